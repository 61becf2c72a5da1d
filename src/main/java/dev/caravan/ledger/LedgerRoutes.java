package dev.caravan.ledger;

import java.util.List;

import dev.caravan.billing.WalletService;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Writes the usage ledger and settles wallets, off the request path. The API routes wire-tap each finished
 * request to {@code seda:usage-ledger}; here events are batched (up to 200, or every 100 ms), inserted with
 * camel-sql in one statement (one array per column), and each call is charged its real cost (drawn from its credit lease).
 *
 * <p>Nothing is written twice: the insert ignores a request id already in the ledger, and a settlement only
 * acts on a reservation that is still open, so a batch retried after a database error is harmless. Nothing is
 * lost on shutdown: these routes start first and so stop last, the queue is drained and a partial batch is
 * completed when Camel stops.
 */
@Component
public class LedgerRoutes extends RouteBuilder {

    /** The whole batch in one statement: one array per column, unnested into rows. */
    static final String INSERT = "sql:insert into usage_ledger (request_id, client_request_id, user_id, key_id, operation, "
            + "profile, provider, model, requested_model, prompt_tokens, completion_tokens, cached_tokens, cost, estimated, "
            + "cached, status, outcome, latency_ms, ttft_ms, attempts) "
            + "select * from unnest(cast(:#requestIds as text[]), cast(:#clientRequestIds as text[]), "
            + "cast(:#userIds as uuid[]), cast(:#keyIds as uuid[]), cast(:#operations as text[]), cast(:#profiles as text[]), "
            + "cast(:#providers as text[]), cast(:#models as text[]), cast(:#requestedModels as text[]), "
            + "cast(:#promptTokens as bigint[]), cast(:#completionTokens as bigint[]), cast(:#cachedTokens as bigint[]), "
            + "cast(:#costs as numeric[]), cast(:#estimated as boolean[]), cast(:#cached as boolean[]), "
            + "cast(:#statuses as integer[]), cast(:#outcomes as text[]), cast(:#latencies as bigint[]), "
            + "cast(:#ttfts as bigint[]), cast(:#attempts as integer[])) "
            + "on conflict (request_id) do nothing";

    private final WalletService wallets;

    public LedgerRoutes(WalletService wallets) {
        this.wallets = wallets;
    }

    @Override
    public void configure() {
        from("seda:usage-ledger?size=100000&blockWhenFull=true")
                .routeId("ledger-queue")
                .startupOrder(1)
                .filter(exchangeProperty(UsageEvent.PROPERTY).isNotNull())
                .setBody(exchangeProperty(UsageEvent.PROPERTY))
                .aggregate(constant(true), AggregationStrategies.groupedBody())
                    .completionSize(200)
                    .completionTimeout(100)
                    .forceCompletionOnStop()
                    .completeAllOnStop()
                .to("direct:ledger-batch");

        from("direct:ledger-batch")
                .routeId("ledger-batch")
                .startupOrder(2)
                // the database may be briefly away: keep retrying the (idempotent) batch rather than drop it
                .errorHandler(defaultErrorHandler().maximumRedeliveries(12).redeliveryDelay(250)
                        .useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(30_000)
                        .retryAttemptedLogLevel(LoggingLevel.WARN).logStackTrace(false).logExhaustedMessageHistory(false)
                        .logExhaustedMessageBody(false))
                .setProperty("events", body())
                .process(this::toRows)
                .to(INSERT)
                .process(this::settle);
    }

    private void toRows(Exchange exchange) {
        List<UsageEvent> events = events(exchange);
        exchange.getMessage().setBody(UsageEvent.columns(events));
    }

    private void settle(Exchange exchange) {
        wallets.settleAll(events(exchange).stream()
                .filter(event -> event.userId() != null && (event.reserved() || event.cost().signum() != 0))
                .map(event -> new WalletService.Settlement(event.requestId(), event.userId(), event.keyId(), event.cost(),
                        "request " + event.outcome(), event.leaseId()))
                .toList());
    }

    @SuppressWarnings("unchecked")
    private static List<UsageEvent> events(Exchange exchange) {
        return (List<UsageEvent>) exchange.getProperty("events", List.class);
    }
}
