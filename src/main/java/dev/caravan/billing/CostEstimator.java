package dev.caravan.billing;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.Operation;
import dev.caravan.routing.ProfileInfo;
import dev.caravan.routing.ProviderInfo;
import dev.caravan.routing.RouteCatalog;
import org.springframework.stereotype.Component;

/**
 * The most a call can cost, reserved before it runs: prompt tokens counted with a real tokenizer, plus the
 * whole output allowance ({@code max_completion_tokens}, {@code max_tokens}, else the model's
 * {@code max_output}) times {@code n}, at the highest price among the providers the call may fail over to.
 * Images and audio parts are not counted; a call that uses more than was held is still charged in full.
 */
@Component
public class CostEstimator {

    /** A worst-case estimate and what it was made of. */
    public record Estimate(BigDecimal cost, long promptTokens, long maxOutputTokens, String provider, String model) {
    }

    private final PriceTable prices;
    private final RouteCatalog catalog;

    public CostEstimator(PriceTable prices, RouteCatalog catalog) {
        this.prices = prices;
        this.catalog = catalog;
    }

    /** The worst case on the prompt's cheap token bound ({@link CallContext#promptTokenBound}): never less than {@link #exactWorstCase}. */
    public Estimate worstCase(CallContext call) {
        return worstCase(call, call.promptTokenBound());
    }

    /** The worst case on the prompt's exact token count: for when the bound's hold was refused, and for estimates. */
    public Estimate exactWorstCase(CallContext call) {
        return worstCase(call, call.promptTokens());
    }

    private Estimate worstCase(CallContext call, long prompt) {
        Estimate worst = null;
        if (call.profile() != null) {
            ProfileInfo profile = catalog.profile(call.profile());
            for (ProfileInfo.Step step : profile == null ? java.util.List.<ProfileInfo.Step>of() : profile.steps()) {
                ProviderInfo provider = catalog.provider(step.provider());
                if (provider == null || !provider.offered()) {
                    continue;
                }
                Estimate estimate = estimate(call, prompt, step.provider(), step.model() != null ? step.model() : provider.model());
                if (worst == null || estimate.cost().compareTo(worst.cost()) > 0) {
                    worst = estimate;
                }
            }
        } else {
            String model = call.requestedModel();
            int slash = model.indexOf('/');
            worst = estimate(call, prompt, model.substring(0, slash), call.rawModel());
        }
        return worst != null ? worst : new Estimate(BigDecimal.ZERO.setScale(Price.SCALE), prompt, 0, null, null);
    }

    private Estimate estimate(CallContext call, long prompt, String provider, String model) {
        Price price = prices.price(provider, model);
        long output = call.operation() == Operation.EMBEDDINGS ? 0 : maxOutput(call.body(), price);
        return new Estimate(price.worstCase(prompt, output), prompt, output, provider, model);
    }

    private static long maxOutput(ObjectNode body, Price price) {
        long limit = body.path("max_completion_tokens").asLong(body.path("max_tokens").asLong(0));
        if (limit <= 0) {
            limit = price.maxOutput();
        }
        return limit * Math.max(1, body.path("n").asInt(1));
    }
}
