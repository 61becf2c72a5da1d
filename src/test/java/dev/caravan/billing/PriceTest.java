package dev.caravan.billing;

import java.math.BigDecimal;

import dev.caravan.openai.Usage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PriceTest {

    private final Price gpt4o = new Price(new BigDecimal("2.50"), new BigDecimal("10.00"), new BigDecimal("1.25"), 16384);

    @Test
    void costIsExactDecimalPerMillionTokens() {
        // 1,000 prompt tokens at $2.50/M + 500 completion tokens at $10/M = $0.0025 + $0.005
        assertThat(gpt4o.cost(new Usage(1000, 500, 0, false))).isEqualByComparingTo("0.0075");
        // 4,000,000 prompt + 1,000,000 completion: $10 + $10, to the cent
        assertThat(gpt4o.cost(new Usage(4_000_000, 1_000_000, 0, false))).isEqualByComparingTo("20.00");
    }

    @Test
    void cachedPromptTokensUseTheCachedPrice() {
        // 1,000 prompt tokens of which 600 cached: 400 x 2.50 + 600 x 1.25 = 1,750 / 1M
        assertThat(gpt4o.cost(new Usage(1000, 0, 600, false))).isEqualByComparingTo("0.00175");
    }

    @Test
    void roundsHalfUpToTheEighthDecimalOnlyAtTheEnd() {
        Price tiny = new Price(new BigDecimal("0.15"), new BigDecimal("0.60"), new BigDecimal("0.15"), 100);
        // 1 token at $0.15/M = 0.00000015 exactly; 3 x 0.15 + 1 x 0.60 = 1.05 per M = 0.00000105
        assertThat(tiny.cost(new Usage(1, 0, 0, false))).isEqualByComparingTo("0.00000015");
        assertThat(tiny.cost(new Usage(3, 1, 0, false))).isEqualByComparingTo("0.00000105");
        Price odd = new Price(new BigDecimal("0.123456789"), BigDecimal.ZERO, new BigDecimal("0.123456789"), 1);
        // 0.000000123456789 is rounded once, at the end, to 1e-8 dollars
        assertThat(odd.cost(new Usage(1, 0, 0, false))).isEqualByComparingTo("0.00000012");
        assertThat(odd.cost(new Usage(5, 0, 0, false))).isEqualByComparingTo("0.00000062");
        assertThat(odd.cost(new Usage(1, 0, 0, false)).scale()).isEqualTo(Price.SCALE);
    }

    @Test
    void worstCaseAssumesTheWholeOutputAllowance() {
        assertThat(gpt4o.worstCase(1000, 1000)).isEqualByComparingTo("0.0125");
    }
}
