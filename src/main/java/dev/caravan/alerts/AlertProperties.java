package dev.caravan.alerts;

import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code caravan.alerts.*}: how often one cause may alert about one subject, the thresholds of the alerts Caravan
 * computes itself, and this gateway's name in alerts. The webhooks' URLs and secrets are read by the YAML routes
 * under {@code routes/alerts/} (placeholders), not here.
 *
 * @param window        one alert per cause and subject per window; the rest are counted as deduplicated
 * @param queueSize     alerts waiting for the alert routes; beyond it new ones are dropped (counted)
 * @param instanceId    this gateway in alert payloads; empty: the JVM's name (pid@host)
 * @param errorRate     a profile's error rate alert
 * @param walletLowBelow a user's wallet under this balance (USD) alerts once, until it is back above; 0 turns it off
 * @param sharedWindowKey prefix of the Redis keys by which replicas agree that one of them sends an alert per
 *                        window (replicas of one deployment share it; tests give each run its own)
 */
@ConfigurationProperties("caravan.alerts")
public record AlertProperties(Duration window, Integer queueSize, String instanceId, ErrorRate errorRate,
        BigDecimal walletLowBelow, String sharedWindowKey) {

    /**
     * @param threshold share of a profile's calls (0..1) answered with a server error or cut upstream
     * @param minCalls  calls the window must hold before its rate counts
     * @param window    the sliding window the rate is computed over
     */
    public record ErrorRate(Double threshold, Integer minCalls, Duration window) {
        public ErrorRate {
            threshold = threshold == null ? 0.5 : threshold;
            minCalls = minCalls == null ? 20 : minCalls;
            window = window == null ? Duration.ofMinutes(5) : window;
        }
    }

    public AlertProperties {
        window = window == null ? Duration.ofMinutes(5) : window;
        queueSize = queueSize == null ? 10_000 : queueSize;
        instanceId = instanceId == null || instanceId.isBlank() ? ManagementFactory.getRuntimeMXBean().getName() : instanceId;
        errorRate = errorRate == null ? new ErrorRate(null, null, null) : errorRate;
        walletLowBelow = walletLowBelow == null ? BigDecimal.ONE : walletLowBelow;
        sharedWindowKey = sharedWindowKey == null || sharedWindowKey.isBlank() ? "caravan:alerts:sent" : sharedWindowKey;
    }
}
