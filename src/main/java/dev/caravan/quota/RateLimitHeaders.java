package dev.caravan.quota;

import dev.caravan.call.CallContext;

/**
 * OpenAI's rate-limit headers, on every answer of a call under a quota, so that the official SDKs and clients
 * written for OpenAI pace themselves: {@code x-ratelimit-limit-requests}, {@code -remaining-requests},
 * {@code -reset-requests} and the three {@code -tokens} ones, each for the limit with the fewest left (the key's
 * or the user's). A refusal adds {@code Retry-After} (whole seconds, at least 1) and {@code retry-after-ms}, which
 * the SDKs prefer.
 */
final class RateLimitHeaders {

    private RateLimitHeaders() {
    }

    static void set(CallContext call, Verdict verdict) {
        set(call, verdict.binding(false), "requests");
        set(call, verdict.binding(true), "tokens");
    }

    private static void set(CallContext call, Verdict.State state, String unit) {
        if (state == null) {
            return;
        }
        call.responseHeader("x-ratelimit-limit-" + unit, Long.toString(state.bucket().perMinute()));
        call.responseHeader("x-ratelimit-remaining-" + unit, Long.toString(state.remaining()));
        call.responseHeader("x-ratelimit-reset-" + unit, duration(state.resetMs()));
    }

    static void retryAfter(CallContext call, long retryMs) {
        call.responseHeader("retry-after", Long.toString(Math.max(1, (retryMs + 999) / 1000)));
        call.responseHeader("retry-after-ms", Long.toString(retryMs));
    }

    /** A duration as OpenAI writes it: {@code 120ms}, {@code 1s}, {@code 1.5s}, {@code 6m0s}. */
    static String duration(long millis) {
        if (millis < 1000) {
            return Math.max(0, millis) + "ms";
        }
        long minutes = millis / 60_000;
        long rest = millis % 60_000;
        String seconds = rest % 1000 == 0 ? Long.toString(rest / 1000)
                : new java.math.BigDecimal(rest).movePointLeft(3).stripTrailingZeros().toPlainString();
        return minutes > 0 ? minutes + "m" + seconds + "s" : seconds + "s";
    }
}
