package dev.caravan.api;

import java.util.List;

import dev.caravan.call.CallContext;
import dev.caravan.call.RequestIds;

/** Caravan's own response headers: who answered and how many providers were tried. */
public final class ResponseHeaders {

    public static final String PROVIDER = "x-caravan-provider";
    public static final String MODEL = "x-caravan-model";
    public static final String ATTEMPTS = "x-caravan-attempts";
    public static final String PROFILE = "x-caravan-profile";
    /** The providers (and models) skipped because their circuit breaker was open; absent when none was. */
    public static final String SKIPPED = "x-caravan-skipped";

    private ResponseHeaders() {
    }

    /**
     * Calls {@code header} for each header to set. {@code x-caravan-attempts} counts network tries (retries
     * included) and providers skipped by an open circuit breaker (also named in {@code x-caravan-skipped});
     * providers skipped unconfigured, or not tried once the total deadline passed, do not count.
     */
    public static void forEach(CallContext call, HeaderSink header) {
        header.set(RequestIds.HEADER, call.shownRequestId());
        if (call.provider() != null) {
            header.set(PROVIDER, call.provider());
            header.set(MODEL, call.model());
        }
        if (call.profile() != null) {
            header.set(PROFILE, call.profile());
        }
        header.set(ATTEMPTS, Integer.toString(call.attemptsMade()));
        List<String> skipped = call.skippedByBreaker();
        if (!skipped.isEmpty()) {
            header.set(SKIPPED, String.join(", ", skipped));
        }
        for (String[] added : call.responseHeaders()) {
            header.set(added[0], added[1]);
        }
    }

    @FunctionalInterface
    public interface HeaderSink {
        void set(String name, String value);
    }
}
