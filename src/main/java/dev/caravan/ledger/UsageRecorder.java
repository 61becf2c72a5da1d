package dev.caravan.ledger;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.account.Identity;
import dev.caravan.billing.CreditHold;
import dev.caravan.billing.Price;
import dev.caravan.call.Attempt;
import dev.caravan.call.CallContext;
import dev.caravan.call.CallOutcome;
import dev.caravan.call.FailureKind;
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
        List<UsageEvent> hedges = hedgesCancelled(call, used.promptTokens(), latencyMs);
        if (!hedges.isEmpty()) {
            exchange.setProperty(UsageEvent.SIDE_EVENTS, hedges);
        }
        exchange.setProperty(UsageEvent.PROPERTY, new UsageEvent(call.requestId(), call.clientRequestId(), identity.userId(), identity.keyId(),
                call.operation().name().toLowerCase(), call.profile(), call.provider(), call.model(), call.requestedModel(),
                used.promptTokens(), used.completionTokens(), used.cachedTokens(),
                charged, usage != null && usage.estimated(), call.fromCache(),
                status, outcome, latencyMs, ttftMs, call.attemptsMade(), call.reserved() != null,
                hold != null ? hold.leaseId() : null));
    }

    /**
     * One row per attempt a hedged step cancelled because another provider answered first, for the operator's
     * accounting of what was sent: its own request id ({@code <id>-hedge-<n>}), the provider and model it went to,
     * the prompt it was sent (the answer's prompt tokens, or Caravan's count of the request), outcome
     * {@code hedge_cancelled}, no cost and no settlement: the client pays for the winner only.
     */
    private static List<UsageEvent> hedgesCancelled(CallContext call, long answeredPromptTokens, long latencyMs) {
        List<UsageEvent> rows = List.of();
        int n = 0;
        for (Attempt attempt : call.attempts()) {
            if (attempt.failure() != FailureKind.HEDGE_CANCELLED) {
                continue;
            }
            if (rows.isEmpty()) {
                rows = new ArrayList<>(1);
            }
            Identity identity = call.identity();
            long prompt = answeredPromptTokens > 0 ? answeredPromptTokens : call.promptTokens();
            rows.add(new UsageEvent(call.requestId() + "-hedge-" + ++n, call.clientRequestId(), identity.userId(),
                    identity.keyId(), call.operation().name().toLowerCase(), call.profile(), attempt.provider(),
                    attempt.model(), call.requestedModel(), prompt, 0, 0, BigDecimal.ZERO.setScale(Price.SCALE),
                    true, false, 0, CallOutcome.HEDGE_CANCELLED, latencyMs, null, 1, false, null));
        }
        return rows;
    }
}
