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

    public BigDecimal cost(CallContext call, Usage usage) {
        if (usage == null || call.provider() == null) {
            return BigDecimal.ZERO.setScale(Price.SCALE);
        }
        return prices.price(call.provider(), call.model()).cost(usage);
    }
}
