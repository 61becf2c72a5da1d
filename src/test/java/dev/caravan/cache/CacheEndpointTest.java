package dev.caravan.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a cache step's TTL options read: with a unit, or a bare number of seconds (never milliseconds). */
class CacheEndpointTest {

    @ParameterizedTest
    @CsvSource({"600, PT10M", "30s, PT30S", "10m, PT10M", "1h, PT1H", "' 45 ', PT45S"})
    void aTtlIsADurationOrABareNumberOfSeconds(String option, Duration expected) {
        CacheEndpoint endpoint = new CacheEndpoint("cache:test", null, "test", null);
        endpoint.setTtl(option);
        endpoint.setMaxTtl(option);

        assertThat(endpoint.getTtl()).isEqualTo(expected);
        assertThat(endpoint.getMaxTtl()).isEqualTo(expected);
    }

    @Test
    void aTtlUnderASecondIsRefused() {
        CacheEndpoint endpoint = new CacheEndpoint("cache:test", null, "test", null);
        endpoint.setTtl("500ms");

        assertThatThrownBy(endpoint::validate).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1s");
    }
}
