package dev.caravan.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

import dev.caravan.openai.Usage;

/**
 * A model's price in USD per million tokens, and the cost of a call at that price. Money is exact decimal,
 * rounded half-up to 1e-8 dollars only at the end.
 *
 * @param maxOutput output tokens assumed for a reservation when the request sets no limit
 */
public record Price(BigDecimal input, BigDecimal output, BigDecimal cachedInput, int maxOutput) {

    public static final int SCALE = 8;
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public BigDecimal cost(Usage usage) {
        long cached = Math.min(usage.cachedTokens(), usage.promptTokens());
        BigDecimal total = input.multiply(BigDecimal.valueOf(usage.promptTokens() - cached))
                .add(cachedInput.multiply(BigDecimal.valueOf(cached)))
                .add(output.multiply(BigDecimal.valueOf(usage.completionTokens())));
        return total.divide(MILLION, SCALE, RoundingMode.HALF_UP);
    }

    /** The most a call can cost: every prompt token uncached, and the whole output allowance used. */
    public BigDecimal worstCase(long promptTokens, long outputTokens) {
        return cost(new Usage(promptTokens, outputTokens, 0, true));
    }
}
