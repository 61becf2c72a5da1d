package dev.caravan.upstream;

/**
 * How {@link Relay#pipeTo} ended: the stream was relayed to its end, the client went away (the upstream was
 * reset so the provider stops generating), or the upstream broke off or went silent ({@link #cause()} says
 * which). The caller settles billing and logs from this; COMPLETED says nothing about whether the client has
 * read every byte, only that every event was written.
 */
public record RelayOutcome(Kind kind, Throwable cause) {

    public enum Kind { COMPLETED, CLIENT_GONE, UPSTREAM_ERROR }

    static RelayOutcome completed() {
        return new RelayOutcome(Kind.COMPLETED, null);
    }

    static RelayOutcome clientGone(Throwable cause) {
        return new RelayOutcome(Kind.CLIENT_GONE, cause);
    }

    static RelayOutcome upstreamError(Throwable cause) {
        return new RelayOutcome(Kind.UPSTREAM_ERROR, cause);
    }
}
