package dev.caravan.billing;

import java.time.Duration;
import java.time.ZoneId;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param timeZone       the calendar of daily and monthly budgets
 * @param reservationTtl how long a reservation may stay open before the sweeper settles it (a crashed replica)
 * @param leaseCalls     how many worst-case calls a credit lease is sized for when the wallet has room
 * @param leaseIdle      how long a lease with no call running stays with its replica before it is returned
 * @param leaseTtl       how long a lease outlives its replica's last renewal (a crashed replica's lease)
 */
@ConfigurationProperties("caravan.billing")
public record BillingProperties(String timeZone, Duration reservationTtl, Integer leaseCalls, Duration leaseIdle,
        Duration leaseTtl) {

    public ZoneId zone() {
        return timeZone == null || timeZone.isBlank() ? ZoneId.of("UTC") : ZoneId.of(timeZone);
    }

    public Duration ttl() {
        return reservationTtl == null ? Duration.ofHours(1) : reservationTtl;
    }

    public int callsPerLease() {
        return leaseCalls == null || leaseCalls < 1 ? 32 : leaseCalls;
    }

    public Duration idleLease() {
        return leaseIdle == null ? Duration.ofSeconds(5) : leaseIdle;
    }

    public Duration leaseLifetime() {
        return leaseTtl == null ? Duration.ofMinutes(2) : leaseTtl;
    }
}
