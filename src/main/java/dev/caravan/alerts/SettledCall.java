package dev.caravan.alerts;

import java.util.UUID;

/**
 * What the alerts need of a call the ledger has written and charged: whose it was, through which profile, and
 * whether it failed on the gateway's side. Built by the ledger from its usage event, so that this package does not
 * depend on the ledger's types.
 *
 * @param profile the profile called; null for a raw {@code provider/model} id
 * @param status  the HTTP status the client got
 * @param outcome how the call ended (completed, error, upstream_error, ...)
 * @param userId  the caller's user; null when unauthenticated
 * @param keyId   the caller's key; null for a JWT or an unauthenticated call
 * @param charged true when the call cost something (its wallet and its key's budgets moved)
 */
public record SettledCall(String profile, int status, String outcome, UUID userId, UUID keyId, boolean charged) {

    /**
     * A call the profile answered, or failed to: refusals before any provider (4xx) say nothing about the profile,
     * and an attempt a hedged step cancelled (status 0) is part of a call counted already.
     */
    boolean countsForErrorRate() {
        return profile != null && status > 0 && (status < 400 || status >= 500);
    }

    /** A server-side error, or a stream the provider cut after it started. */
    boolean failed() {
        return status >= 500 || "upstream_error".equals(outcome);
    }
}
