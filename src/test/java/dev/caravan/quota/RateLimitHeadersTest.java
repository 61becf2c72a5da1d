package dev.caravan.quota;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Durations written as OpenAI writes them in {@code x-ratelimit-reset-*}, which clients parse. */
class RateLimitHeadersTest {

    @Test
    void durationsAreWrittenAsOpenAiWritesThem() {
        assertThat(RateLimitHeaders.duration(0)).isEqualTo("0ms");
        assertThat(RateLimitHeaders.duration(120)).isEqualTo("120ms");
        assertThat(RateLimitHeaders.duration(999)).isEqualTo("999ms");
        assertThat(RateLimitHeaders.duration(1000)).isEqualTo("1s");
        assertThat(RateLimitHeaders.duration(1500)).isEqualTo("1.5s");
        assertThat(RateLimitHeaders.duration(1234)).isEqualTo("1.234s");
        assertThat(RateLimitHeaders.duration(12_000)).isEqualTo("12s");
        assertThat(RateLimitHeaders.duration(59_990)).isEqualTo("59.99s");
        assertThat(RateLimitHeaders.duration(60_000)).isEqualTo("1m0s");
        assertThat(RateLimitHeaders.duration(360_000)).isEqualTo("6m0s");
        assertThat(RateLimitHeaders.duration(61_500)).isEqualTo("1m1.5s");
    }
}
