package dev.caravan.ledger;

import java.util.List;
import java.util.concurrent.Executor;

import dev.caravan.account.Identity;
import dev.caravan.alerts.SettledCall;
import dev.caravan.alerts.SettledCallAlerts;
import dev.caravan.billing.WalletService;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AggregationStrategies;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.seda.SedaEndpoint;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * Writes the usage ledger and settles wallets, off the request path. The API routes wire-tap each finished
 * request to {@link #ENTRY}, which puts its usage event on {@code seda:usage-ledger} without blocking an event
 * loop ({@link LedgerQueue}); here events are batched (up to 200, or every 100 ms), inserted with
 * camel-sql in one statement (one array per column), and each call is charged its real cost (drawn from its credit lease).
 *
 * <p>Nothing is written twice: the insert ignores a request id already in the ledger, and a settlement only
 * acts on a reservation that is still open, so a batch retried after a database error is harmless. Nothing is
 * lost on shutdown: these routes start before every other route and so stop after them, the queue first (it is
 * drained and a partial batch is completed) and the routes it feeds after it.
 */
@Component
public class LedgerRoutes extends RouteBuilder {

    /** Where finished calls are sent (wire-tapped) for the ledger. */
    public static final String ENTRY = "direct:usage-ledger";

    /**
     * The ledger's queue. Bounded, so that a database away for long cannot fill the heap; a full queue makes a
     * call's event wait for room (on a worker, see {@link LedgerQueue}) rather than be dropped.
     */
    static final String QUEUE = "seda:usage-ledger?size=100000&blockWhenFull=true";

    private static final String EVENTS = "events";

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
    private final LedgerIsolation isolation;
    private final ProducerTemplate producer;
    private final Executor worker;
    private final SettledCallAlerts settledCallAlerts;

    /**
     * @param worker            where a call's event waits for room in a full queue when the call ended on an event loop
     * @param settledCallAlerts told of each written and charged batch (error rate, budgets, wallets; never waits)
     */
    public LedgerRoutes(WalletService wallets, LedgerIsolation isolation, ProducerTemplate producer,
            @Qualifier("requestExecutor") Executor worker, SettledCallAlerts settledCallAlerts) {
        this.settledCallAlerts = settledCallAlerts;
        this.wallets = wallets;
        this.isolation = isolation;
        this.producer = producer;
        this.worker = worker;
    }

    @Override
    public void configure() {
        // started after the queue's consumer and stopped before it, once the API routes have stopped
        from(ENTRY)
                .routeId("ledger-enqueue")
                .startupOrder(4)
                .process(new LedgerQueue(endpoint(QUEUE, SedaEndpoint.class), worker).step());

        from(QUEUE)
                .routeId("ledger-queue")
                .startupOrder(3)
                // the warm-up's calls stop here: they went through the whole request path, but their credit was
                // never a wallet's (see Identity.WARM_UP_USER)
                .filter(exchange -> recorded(exchange.getProperty(UsageEvent.PROPERTY, UsageEvent.class)))
                .setBody(exchangeProperty(UsageEvent.PROPERTY))
                .aggregate(constant(true), AggregationStrategies.groupedBody())
                    .completionSize(200)
                    .completionTimeout(100)
                    .forceCompletionOnStop()
                    .completeAllOnStop()
                .to("direct:ledger-batch");

        // A batch is written whole when it can. The database being away is retried (the write is idempotent)
        // for as long as it takes, never dropped. A refusal that a retry cannot cure (a value the database
        // rejects) is not retried: LedgerIsolation writes the batch in halves until the bad event is alone and
        // dead-letters it. So one bad row costs the others one failed attempt.
        from("direct:ledger-batch")
                .routeId("ledger-batch")
                .startupOrder(2)
                .errorHandler(defaultErrorHandler().maximumRedeliveries(-1).redeliveryDelay(250)
                        .useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(30_000)
                        .retryAttemptedLogLevel(LoggingLevel.WARN).logStackTrace(false).logRetryStackTrace(false)
                        .logExhaustedMessageHistory(false).logExhaustedMessageBody(false))
                .onException(Exception.class)
                    .onWhen(exchange -> LedgerFailures.isPermanent(failure(exchange)))
                    .maximumRedeliveries(0)
                    .handled(true)
                    .process(exchange -> isolation.isolate(events(exchange), failure(exchange)))
                .end()
                .setProperty(EVENTS, body())
                .process(this::writeOnce)
                .process(exchange -> settledCallAlerts.offer(events(exchange).stream().map(LedgerRoutes::settled).toList()));

        // One attempt at a batch: the insert and the settlement, both idempotent, in one transaction, so that a
        // crash between them cannot leave ledger rows that nobody charges (the sweeper charges only leased
        // calls); one commit instead of two, too.
        from("direct:ledger-write")
                .routeId("ledger-write")
                .startupOrder(1)
                .errorHandler(noErrorHandler())
                .transacted()
                .setProperty(EVENTS, body())
                .process(exchange -> exchange.getMessage().setBody(UsageEvent.columns(events(exchange))))
                .to(INSERT)
                .process(exchange -> wallets.settleAll(events(exchange).stream()
                        .filter(LedgerRoutes::needsSettlement).map(LedgerRoutes::settlement).toList()));
    }

    /**
     * Runs {@code direct:ledger-write} on an exchange of its own: its transaction marks the exchange it runs on
     * as transacted, and Camel's error handler leaves a transacted exchange alone (no retry, no onException).
     */
    private void writeOnce(Exchange exchange) throws Exception {
        Exchange attempt = producer.send("direct:ledger-write", write -> write.getMessage().setBody(events(exchange)));
        if (attempt.getException() != null) {
            throw attempt.getException();
        }
    }

    static boolean recorded(UsageEvent event) {
        return event != null && !Identity.WARM_UP_USER.equals(event.userId());
    }

    /** A call that held credit or cost something is settled; an unauthenticated or free unreserved one is not. */
    static boolean needsSettlement(UsageEvent event) {
        return event.userId() != null && (event.reserved() || event.cost().signum() != 0);
    }

    static WalletService.Settlement settlement(UsageEvent event) {
        return new WalletService.Settlement(event.requestId(), event.userId(), event.keyId(), event.cost(),
                "request " + event.outcome(), event.leaseId());
    }

    /** What the alerts need of a written and charged call. */
    static SettledCall settled(UsageEvent event) {
        return new SettledCall(event.profile(), event.status(), event.outcome(), event.userId(), event.keyId(),
                needsSettlement(event) && event.cost().signum() != 0);
    }

    private static Throwable failure(Exchange exchange) {
        return exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    }

    @SuppressWarnings("unchecked")
    private static List<UsageEvent> events(Exchange exchange) {
        return (List<UsageEvent>) exchange.getProperty(EVENTS, List.class);
    }
}
