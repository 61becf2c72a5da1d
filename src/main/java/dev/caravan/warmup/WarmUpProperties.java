package dev.caravan.warmup;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The warm-up before readiness (see {@link WarmUp}).
 *
 * @param calls       how many calls it makes at most; 0 turns it off
 * @param maxTime     how long it may take at most: it stops there, whatever it has done
 * @param concurrency calls in flight at once
 */
@ConfigurationProperties("caravan.warm-up")
public record WarmUpProperties(Integer calls, Duration maxTime, Integer concurrency) {

    public WarmUpProperties {
        calls = calls == null ? 0 : Math.max(0, calls);
        maxTime = maxTime == null ? Duration.ofMillis(1500) : maxTime;
        concurrency = concurrency == null ? 4 : Math.max(1, concurrency);
    }
}
