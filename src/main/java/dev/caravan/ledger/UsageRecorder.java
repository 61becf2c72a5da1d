package dev.caravan.ledger;

import java.math.BigDecimal;

import dev.caravan.account.Identity;
import dev.caravan.billing.CreditHold;
import dev.caravan.billing.Price;
import dev.caravan.call.CallContext;
import dev.caravan.openai.Usage;
import org.apache.camel.Exchange;

/** Leaves a finished call's {@link UsageEvent} on the exchange, for the ledger wire tap to pick up. */
public final class UsageRecorder {

    private UsageRecorder() {
    }

    /**
     * @param usage        tokens used; null when no provider answered
     * @param firstEventNanos when the first byte of the answer went out (streams); null for one-piece answers
     */
    public static void record(Exchange exchange, CallContext call, int status, String outcome, Usage usage,
            BigDecimal cost, Long firstEventNanos) {
        Identity identity = call.identity();
        if (identity == null) {
            return;
        }
        long now = System.nanoTime();
        long latencyMs = (now - call.startNanos()) / 1_000_000;
        Long ttftMs = null;
        if (firstEventNanos != null) {
            ttftMs = (firstEventNanos - call.startNanos()) / 1_000_000;
        } else if (usage != null) {
            ttftMs = latencyMs;
        }
        Usage used = usage != null ? usage : Usage.NONE;
        BigDecimal charged = cost != null ? cost : BigDecimal.ZERO.setScale(Price.SCALE);
        // the call's hold goes back to its lease now; the ledger charges the cost and draws it from the lease
        CreditHold hold = exchange.getProperty(CreditHold.PROPERTY, CreditHold.class);
        if (hold != null) {
            hold.close(charged);
        }
        exchange.setProperty(UsageEvent.PROPERTY, new UsageEvent(call.requestId(), call.clientRequestId(), identity.userId(), identity.keyId(),
                call.operation().name().toLowerCase(), call.profile(), call.provider(), call.model(), call.requestedModel(),
                used.promptTokens(), used.completionTokens(), used.cachedTokens(),
                charged, usage != null && usage.estimated(), call.fromCache(),
                status, outcome, latencyMs, ttftMs, call.attemptsMade(), call.reserved() != null,
                hold != null ? hold.leaseId() : null));
    }
}
