package dev.caravan.billing;

import java.time.Duration;
import java.time.ZoneId;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param timeZone       the calendar of daily and monthly budgets
 * @param reservationTtl how long a reservation may stay open before the sweeper settles it (a crashed replica)
 */
@ConfigurationProperties("caravan.billing")
public record BillingProperties(String timeZone, Duration reservationTtl) {

    public ZoneId zone() {
        return timeZone == null || timeZone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timeZone);
    }

    public Duration ttl() {
        return reservationTtl == null ? Duration.ofHours(1) : reservationTtl;
    }
}
