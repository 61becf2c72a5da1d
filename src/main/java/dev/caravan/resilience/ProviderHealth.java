package dev.caravan.resilience;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

import org.springframework.stereotype.Component;

/**
 * Recent calls of each provider (success rate, time to first byte, total time, last error), for
 * {@code /health/detailed}. One {@link CallWindow} per provider instance, made on its first call.
 */
@Component
public class ProviderHealth {

    /** Key-like words, in case a provider's reason quoted one; reasons never hold request text to begin with. */
    private static final Pattern KEY_LIKE = Pattern.compile(
            "\\b(sk|gsk|xai|sk-ant|sk-or|AIza|cvn_live|cvn_test)[-_A-Za-z0-9*]{8,}|\\b[A-Za-z0-9]{32,}\\b");
    private static final int MAX_REASON = 300;

    private final Map<String, CallWindow> windows = new ConcurrentHashMap<>();

    /** A try that got an answer (or a business error) after {@code firstByteNanos}. */
    public void answered(String provider, long firstByteNanos) {
        window(provider).success(firstByteNanos);
    }

    /** A try that failed technically; {@code reason} is a short, safe description (status, kind, host). */
    public void failed(String provider, String reason) {
        window(provider).failure(redact(reason), System.currentTimeMillis());
    }

    /** A call answered by {@code provider} finished after {@code nanos} (a stream: at its last event). */
    public void finished(String provider, long nanos) {
        window(provider).total(nanos);
    }

    public RecentCalls snapshot(String provider) {
        CallWindow window = windows.get(provider);
        return window == null ? new CallWindow().snapshot() : window.snapshot();
    }

    private CallWindow window(String provider) {
        CallWindow window = windows.get(provider);
        return window != null ? window : windows.computeIfAbsent(provider, name -> new CallWindow());
    }

    static String redact(String reason) {
        if (reason == null) {
            return null;
        }
        String safe = KEY_LIKE.matcher(reason).replaceAll("[redacted]");
        return safe.length() > MAX_REASON ? safe.substring(0, MAX_REASON) : safe;
    }
}
