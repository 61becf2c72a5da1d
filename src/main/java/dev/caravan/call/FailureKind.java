package dev.caravan.call;

/** Why a provider attempt failed technically; decides the status the client sees when every provider fails. */
public enum FailureKind {
    /** Not configured (no key), or its route is missing. */
    UNAVAILABLE,
    /** Connection refused, reset, DNS failure. */
    CONNECTION,
    /** No answer within the provider's timeout. */
    TIMEOUT,
    /** 429 from the provider. */
    RATE_LIMITED,
    /** 5xx from the provider, or an error event before the first chunk. */
    SERVER_ERROR,
    /** Skipped without a network attempt: the provider's circuit breaker is open. */
    CIRCUIT_OPEN,
    /** Not tried: the request's total deadline had passed. */
    DEADLINE,
    /** Given up by a hedged step because another provider answered first; the provider is not blamed. */
    HEDGE_CANCELLED
}
