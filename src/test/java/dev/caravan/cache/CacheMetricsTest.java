package dev.caravan.cache;

import java.time.Duration;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.support.OpenAiFixtures;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A miss, a hit and a bypass of the {@code cached} profile's cache step, counted exactly in
 * {@code caravan_cache_requests_total{result}}, and the hit in {@code caravan_requests_total} as outcome
 * {@code cache_hit} with no tokens billed.
 */
class CacheMetricsTest extends CacheTestSupport {

    @Autowired
    MeterRegistry meters;

    @Test
    void aMissAHitAndABypassAreCountedOnceEach() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Bonjour"));
        Account account = account();
        ObjectNode request = request("cached", unique("metrics"), "\"temperature\":0");
        double misses = cacheRequests("miss");
        double hits = cacheRequests("hit");
        double bypasses = cacheRequests("bypass");
        double answeredFromCache = count("caravan.requests", "profile", "cached", "outcome", "cache_hit");

        assertThat(cacheStatus(chat(account, request))).isEqualTo("MISS");
        await().atMost(Duration.ofSeconds(10)).until(() -> entries(account).size() == 1);
        assertThat(cacheStatus(chat(account, request))).isEqualTo("HIT");
        assertThat(cacheStatus(chat(account, request, "x-caravan-cache", "no-cache"))).isEqualTo("BYPASS");

        assertThat(cacheRequests("miss") - misses).isEqualTo(1);
        assertThat(cacheRequests("hit") - hits).isEqualTo(1);
        assertThat(cacheRequests("bypass") - bypasses).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(count("caravan.requests", "profile", "cached", "outcome", "cache_hit") - answeredFromCache)
                        .isEqualTo(1));
        assertThat(providerCalls).hasValue(2);
    }

    private double cacheRequests(String result) {
        return count("caravan.cache.requests", "result", result);
    }

    private double count(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }
}
