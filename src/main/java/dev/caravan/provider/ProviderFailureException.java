package dev.caravan.provider;

import dev.caravan.call.FailureKind;

/**
 * A technical failure of one provider (5xx, 429, timeout, broken connection, not configured). It is what
 * the failover EIP reacts to. The message is safe to log: a status and a short reason, never a body or key.
 */
public class ProviderFailureException extends Exception {

    private final FailureKind kind;
    private final int status;

    public ProviderFailureException(FailureKind kind, int status, String message) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
    }

    public FailureKind kind() {
        return kind;
    }

    /** With the failure underneath, for the logs: its message is as safe as this one's. */
    public ProviderFailureException(FailureKind kind, int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
        this.status = status;
    }

    public int status() {
        return status;
    }
}
