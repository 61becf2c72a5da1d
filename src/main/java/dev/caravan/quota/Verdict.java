package dev.caravan.quota;

import java.util.List;

/**
 * What the take script answered for one call: whether it fits, and where each of its limits stands.
 *
 * @param allowed whether every limit had room (then all were taken, else none)
 * @param states  one per bucket, in the call's order
 */
record Verdict(boolean allowed, List<State> states) {

    /**
     * One limit after the call (or, when refused, as it stands).
     *
     * @param remaining requests or tokens left in the current minute
     * @param resetMs   until the limit is whole again
     * @param retryMs   0 when the call fits it; else when it would, or -1 when the call is larger than the limit
     */
    record State(Bucket bucket, long remaining, long resetMs, long retryMs) {

        boolean fits() {
            return retryMs == 0;
        }
    }

    /** Reads the script's reply {@code {allowed, remaining1, reset1, retry1, ...}}. */
    static Verdict of(List<Bucket> buckets, List<Object> reply) {
        if (reply == null || reply.size() != 1 + 3 * buckets.size()) {
            throw new IllegalStateException("unexpected reply from the quota script");
        }
        State[] states = new State[buckets.size()];
        for (int i = 0; i < states.length; i++) {
            states[i] = new State(buckets.get(i), number(reply.get(1 + 3 * i)), number(reply.get(2 + 3 * i)),
                    number(reply.get(3 + 3 * i)));
        }
        return new Verdict(number(reply.get(0)) == 1, List.of(states));
    }

    /** The limit that refused the call: one it can never fit first, else the one that frees up last. */
    State refusing() {
        State worst = null;
        for (State state : states) {
            if (state.retryMs() < 0) {
                return state;
            }
            if (!state.fits() && (worst == null || state.retryMs() > worst.retryMs())) {
                worst = state;
            }
        }
        return worst;
    }

    /** Of the request limits (or the token limits), the one with the fewest left; null when there is none. */
    State binding(boolean tokens) {
        State binding = null;
        for (State state : states) {
            if (state.bucket().limit().tokens == tokens && (binding == null || state.remaining() < binding.remaining())) {
                binding = state;
            }
        }
        return binding;
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        throw new IllegalStateException("unexpected reply from the quota script");
    }
}
