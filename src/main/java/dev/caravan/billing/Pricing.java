package dev.caravan.billing;

import java.math.BigDecimal;

import dev.caravan.call.CallContext;
import dev.caravan.openai.Usage;
import org.springframework.stereotype.Component;

/** What a finished call costs: its usage at the price of the provider and model that answered it. */
@Component
public class Pricing {

    private final PriceTable prices;

    public Pricing(PriceTable prices) {
        this.prices = prices;
    }

    /** A call answered from the response cache costs its fixed price (free by default), whatever its usage. */
    public BigDecimal cost(CallContext call, Usage usage) {
        if (call.fixedPrice() != null) {
            return call.fixedPrice().setScale(Price.SCALE, java.math.RoundingMode.HALF_UP);
        }
        if (usage == null || call.provider() == null) {
            return BigDecimal.ZERO.setScale(Price.SCALE);
        }
        return prices.price(call.provider(), call.model()).cost(usage);
    }
}
