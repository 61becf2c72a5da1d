package dev.caravan.billing;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;

import org.springframework.stereotype.Component;

/** The calendar day and month a spend belongs to, in the configured time zone. */
@Component
public class BudgetPeriods {

    private final ZoneId zone;
    private final Clock clock;

    @org.springframework.beans.factory.annotation.Autowired
    public BudgetPeriods(BillingProperties properties) {
        this(properties.zone(), Clock.systemUTC());
    }

    BudgetPeriods(ZoneId zone, Clock clock) {
        this.zone = zone;
        this.clock = clock;
    }

    public LocalDate today() {
        return LocalDate.now(clock.withZone(zone));
    }

    public LocalDate monthStart() {
        return today().withDayOfMonth(1);
    }

    public ZoneId zone() {
        return zone;
    }
}
