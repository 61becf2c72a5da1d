package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Clock NOW = Clock.fixed(Instant.parse("2026-12-01T10:00:00Z"), ZoneOffset.UTC);

    @Test
    void delaySeconds() {
        assertThat(RetryAfter.parse("30", NOW)).isEqualTo(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse(" 0 ", NOW)).isEqualTo(Duration.ZERO);
        assertThat(RetryAfter.parse("1.5", NOW)).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void httpDateCountsFromNowAndThePastMeansNow() {
        assertThat(RetryAfter.parse("Tue, 01 Dec 2026 10:01:30 GMT", NOW)).isEqualTo(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse("Tue, 01 Dec 2026 09:00:00 GMT", NOW)).isEqualTo(Duration.ZERO);
    }

    @Test
    void unreadableValuesCountAsNotSaid() {
        assertThat(RetryAfter.parse(null, NOW)).isNull();
        assertThat(RetryAfter.parse("", NOW)).isNull();
        assertThat(RetryAfter.parse("soon", NOW)).isNull();
        assertThat(RetryAfter.parse("-5", NOW)).isNull();
        assertThat(RetryAfter.parse("12abc", NOW)).isNull();
    }

    @Test
    void openAisMillisecondHeaderWins() {
        Headers headers = Headers.of("Retry-After", "2", "retry-after-ms", "1250");
        assertThat(RetryAfter.from(headers, NOW)).isEqualTo(Duration.ofMillis(1250));
        assertThat(RetryAfter.from(Headers.of("Retry-After", "2"), NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryAfter.from(Headers.empty(), NOW)).isNull();
    }
}
