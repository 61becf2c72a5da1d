package dev.caravan.alerts;

import java.time.Clock;
import java.time.ZoneId;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The alerts computed from charged calls: a profile's error rate over its threshold ({@link ErrorRateWatch}), a
 * key's budget at 80 % or 100 % and a wallet under its threshold ({@link SpendWatch}). The ledger hands each
 * written and charged batch to {@link #offer}, a non-blocking offer onto a bounded queue of its own, so neither
 * the ledger nor a call ever waits for these checks; a full queue skips the batch's checks (counted as
 * {@code caravan_alerts_total{cause="settled_calls",result="dropped"}}).
 */
@Component
public class SettledCallAlerts extends RouteBuilder {

    static final String QUEUE = "seda:alerts-settled-calls?size=1000";

    private final Alerts alerts;
    private final MeterRegistry meters;
    private final AlertProperties.ErrorRate rate;
    private final ErrorRateWatch errorRates;
    private final SpendWatch spend;
    private volatile SedaEndpoint endpoint;

    public SettledCallAlerts(Alerts alerts, MeterRegistry meters, AlertProperties properties, JdbcTemplate jdbc,
            @Value("${caravan.billing.time-zone:UTC}") String budgetTimeZone) {
        this.alerts = alerts;
        this.meters = meters;
        this.rate = properties.errorRate();
        this.errorRates = new ErrorRateWatch(rate.threshold(), rate.minCalls(), rate.window(), Clock.systemUTC());
        this.spend = new SpendWatch(jdbc, ZoneId.of(budgetTimeZone), properties.walletLowBelow());
    }

    @Override
    public void configure() {
        // a check that fails (the database away) skips one batch's money alerts: one line, never a retry storm
        onException(Exception.class)
                .handled(true)
                .log(LoggingLevel.WARN, "dev.caravan.alerts", "settled calls not checked for alerts: ${exception.message}");

        from(QUEUE)
                .routeId("alerts-settled-calls")
                .process(this::check);
    }

    /** Hands a charged batch to the checks; never blocks. */
    public void offer(List<SettledCall> calls) {
        if (calls.isEmpty()) {
            return;
        }
        SedaEndpoint seda = endpoint;
        if (seda == null) {
            seda = getCamelContext().getEndpoint(QUEUE, SedaEndpoint.class);
            endpoint = seda;
        }
        Exchange exchange = seda.createExchange();
        exchange.getMessage().setBody(calls);
        BlockingQueue<Exchange> queue = seda.getQueue();
        if (!queue.offer(exchange)) {
            meters.counter(AlertRoutes.METER, "cause", "settled_calls", "result", "dropped").increment();
        }
    }

    @SuppressWarnings("unchecked")
    private void check(Exchange exchange) {
        List<SettledCall> calls = exchange.getMessage().getBody(List.class);
        Set<UUID> keys = new LinkedHashSet<>();
        Set<UUID> users = new LinkedHashSet<>();
        for (SettledCall call : calls) {
            if (call.countsForErrorRate()) {
                ErrorRateWatch.Breach breach = errorRates.record(call.profile(), call.failed());
                if (breach != null) {
                    alerts.raise(AlertEvent.warning("error_rate", "profile:" + breach.profile(),
                            "a profile's error rate is over its threshold", Map.of("profile", breach.profile(),
                                    "calls", breach.calls(), "errors", breach.errors(),
                                    "error_rate", Math.round(breach.rate() * 1000) / 1000.0,
                                    "threshold", rate.threshold(), "window_seconds", rate.window().toSeconds())));
                }
            }
            if (call.charged()) {
                if (call.keyId() != null) {
                    keys.add(call.keyId());
                }
                if (call.userId() != null) {
                    users.add(call.userId());
                }
            }
        }
        spend.budgets(keys).forEach(alerts::raise);
        spend.wallets(users).forEach(alerts::raise);
    }
}
