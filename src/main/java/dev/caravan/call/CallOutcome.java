package dev.caravan.call;

import java.math.BigDecimal;

import dev.caravan.openai.Usage;
import org.apache.camel.Exchange;

/**
 * How a call was answered, left on the exchange by the step that answered it (the response writer, or the error
 * responder) for the step that finishes the call: the ledger's usage event and the access log line.
 *
 * @param status          the HTTP status the client got
 * @param outcome         completed, rejected, error, cache_hit (answered completely from the response cache), or
 *                        how a stream ended (upstream_error, client_gone)
 * @param usage           tokens used; null when no provider answered
 * @param cost            what the call costs; null when nothing is charged
 * @param firstEventNanos when a stream's first event went out; null for one-piece answers
 */
public record CallOutcome(int status, String outcome, Usage usage, BigDecimal cost, Long firstEventNanos) {

    public static final String PROPERTY = "caravan.outcome";

    /** The outcome of a call answered completely from the response cache (quotas give its tokens back on it). */
    public static final String CACHE_HIT = "cache_hit";

    public static final String COMPLETED = "completed";

    /**
     * The ledger outcome of an attempt a hedged step cancelled because another provider answered first: a row of
     * its own beside the call's, never charged.
     */
    public static final String HEDGE_CANCELLED = "hedge_cancelled";

    public static CallOutcome of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, CallOutcome.class);
    }

    public void leaveOn(Exchange exchange) {
        exchange.setProperty(PROPERTY, this);
    }
}
