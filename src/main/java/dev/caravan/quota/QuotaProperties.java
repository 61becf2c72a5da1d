package dev.caravan.quota;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;

/**
 * The default rate limits of a profile's {@code quota:} step (a step's own options and a key's or user's own
 * limits override them), and what a call does while Redis cannot be asked. A limit of 0 is no limit.
 *
 * @param keyRpm       requests per minute of one API key
 * @param keyTpm       tokens per minute of one API key (prompt and completion)
 * @param userRpm      requests per minute of one user, over all their keys
 * @param userTpm      tokens per minute of one user
 * @param failOpen     Redis unreachable or slower than {@code caravan.redis.timeout}: true serves the call
 *                     unlimited, false refuses it with 503
 * @param warnInterval the most often the gateway logs that Redis could not be asked
 */
@ConfigurationProperties("caravan.quota")
public record QuotaProperties(Long keyRpm, Long keyTpm, Long userRpm, Long userTpm, Boolean failOpen,
        Duration warnInterval) {

    @ConstructorBinding
    public QuotaProperties {
        keyRpm = keyRpm == null ? 1_000 : keyRpm;
        keyTpm = keyTpm == null ? 2_000_000 : keyTpm;
        userRpm = userRpm == null ? 3_000 : userRpm;
        userTpm = userTpm == null ? 6_000_000 : userTpm;
        failOpen = failOpen == null || failOpen;
        warnInterval = warnInterval == null ? Duration.ofMinutes(1) : warnInterval;
    }
}
