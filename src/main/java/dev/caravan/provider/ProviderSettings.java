package dev.caravan.provider;

import java.net.URI;
import java.time.Duration;

import dev.caravan.resilience.BreakerSettings;
import dev.caravan.resilience.RetryPolicy;
import dev.caravan.upstream.Headers;
import dev.caravan.upstream.UpstreamRequest;
import io.vertx.core.buffer.Buffer;

/**
 * The settings every provider instance has, bound from its route template's parameters by the template's
 * {@code settings} bean (as Kamelets bind theirs), the API key included: the key lives in this bean, never in a
 * route's model or an endpoint URI, so neither a route dump nor JMX shows it. Adapters with more options
 * extend this class.
 */
public class ProviderSettings {

    private String name = "";
    private String baseUrl = "";
    private String apiKey = "";
    private long connectTimeout = 5000;
    private long timeout = 120000;
    private long firstByteTimeout;
    private long idleTimeout;
    private int retries;
    private long retryBaseDelay = 100;
    private long retryMaxDelay = 2000;
    private long retryAfterCap = 5000;
    private float breakerFailureRate = BreakerSettings.DEFAULTS.failureRatePercent();
    private float breakerSlowCallRate = BreakerSettings.DEFAULTS.slowCallRatePercent();
    private long breakerSlowCall = BreakerSettings.DEFAULTS.slowCallMillis();
    private int breakerWindow = BreakerSettings.DEFAULTS.window();
    private int breakerMinimumCalls = BreakerSettings.DEFAULTS.minimumCalls();
    private long breakerOpen = BreakerSettings.DEFAULTS.openMillis();
    private int breakerHalfOpenProbes = BreakerSettings.DEFAULTS.halfOpenProbes();
    private boolean breakerPerModel;
    /** Built once from the fields on first use (the bean is bound once, when its template instance is made). */
    private volatile BreakerSettings breakerSettings;
    private volatile RetryPolicy retryPolicy;

    /** A POST of {@code body} to {@code path} below the base URL, with this instance's timeouts. */
    public UpstreamRequest post(String path, Headers headers, byte[] body, boolean stream) {
        URI uri = URI.create(trimmedBase() + path);
        return UpstreamRequest.post(uri, headers, Buffer.buffer(body), stream)
                .withTimeouts(Duration.ofMillis(connectTimeout), Duration.ofMillis(effectiveFirstByteTimeout()),
                        Duration.ofMillis(effectiveIdleTimeout()));
    }

    /** The circuit breaker settings of this instance. */
    public BreakerSettings breakerSettings() {
        BreakerSettings built = breakerSettings;
        if (built == null) {
            built = new BreakerSettings(breakerFailureRate, breakerSlowCallRate, breakerSlowCall, breakerWindow,
                    breakerMinimumCalls, breakerOpen, breakerHalfOpenProbes, breakerPerModel);
            breakerSettings = built;
        }
        return built;
    }

    /** How this instance is retried before the failover moves on. */
    public RetryPolicy retryPolicy() {
        RetryPolicy built = retryPolicy;
        if (built == null) {
            built = new RetryPolicy(retries, retryBaseDelay, retryMaxDelay, retryAfterCap);
            retryPolicy = built;
        }
        return built;
    }

    /** The first-byte deadline in ms: {@code firstByteTimeout}, or {@code timeout} when that is 0. */
    public long effectiveFirstByteTimeout() {
        return firstByteTimeout > 0 ? firstByteTimeout : timeout;
    }

    /** The idle timeout between stream events in ms: {@code idleTimeout}, or {@code timeout} when that is 0. */
    public long effectiveIdleTimeout() {
        return idleTimeout > 0 ? idleTimeout : timeout;
    }

    /** The content headers of a JSON request answered in JSON, or in SSE for a stream, and the key if there is one. */
    public Headers jsonHeaders(boolean stream, String keyHeader, String keyScheme) {
        Headers headers = stream
                // compression would hold events back in the encoder's buffer
                ? Headers.of("content-type", "application/json", "accept", "text/event-stream",
                        "accept-encoding", "identity")
                : Headers.of("content-type", "application/json", "accept", "application/json");
        return hasKey() ? headers.with(keyHeader, keyScheme + apiKey) : headers;
    }

    public boolean hasKey() {
        return apiKey != null && !apiKey.isEmpty();
    }

    private String trimmedBase() {
        return baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    }

    /** The instance's name, as profiles call it ({@code provider:<name>}). */
    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name == null ? "" : name.trim();
    }

    public String getBaseUrl() {
        return baseUrl;
    }

    public void setBaseUrl(String baseUrl) {
        this.baseUrl = baseUrl == null ? "" : baseUrl.trim();
    }

    public String getApiKey() {
        return apiKey;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey.trim();
    }

    /** Milliseconds to open a connection. */
    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    /** Milliseconds of silence before the call counts as timed out (then failover, or a cut stream). */
    public long getTimeout() {
        return timeout;
    }

    public void setTimeout(long timeout) {
        this.timeout = timeout;
    }

    /** Milliseconds, once connected, to the status line (a stream: its first event); 0 = {@link #getTimeout}. */
    public long getFirstByteTimeout() {
        return firstByteTimeout;
    }

    public void setFirstByteTimeout(long firstByteTimeout) {
        this.firstByteTimeout = firstByteTimeout;
    }

    /** Milliseconds of silence allowed between stream events (or body chunks); 0 = {@link #getTimeout}. */
    public long getIdleTimeout() {
        return idleTimeout;
    }

    public void setIdleTimeout(long idleTimeout) {
        this.idleTimeout = idleTimeout;
    }

    /** More tries of this provider after a technical failure, before the failover moves on. */
    public int getRetries() {
        return retries;
    }

    public void setRetries(int retries) {
        this.retries = retries;
        this.retryPolicy = null;
    }

    public long getRetryBaseDelay() {
        return retryBaseDelay;
    }

    public void setRetryBaseDelay(long retryBaseDelay) {
        this.retryBaseDelay = retryBaseDelay;
        this.retryPolicy = null;
    }

    public long getRetryMaxDelay() {
        return retryMaxDelay;
    }

    public void setRetryMaxDelay(long retryMaxDelay) {
        this.retryMaxDelay = retryMaxDelay;
        this.retryPolicy = null;
    }

    public long getRetryAfterCap() {
        return retryAfterCap;
    }

    public void setRetryAfterCap(long retryAfterCap) {
        this.retryAfterCap = retryAfterCap;
        this.retryPolicy = null;
    }

    public float getBreakerFailureRate() {
        return breakerFailureRate;
    }

    public void setBreakerFailureRate(float breakerFailureRate) {
        this.breakerFailureRate = breakerFailureRate;
        this.breakerSettings = null;
    }

    public float getBreakerSlowCallRate() {
        return breakerSlowCallRate;
    }

    public void setBreakerSlowCallRate(float breakerSlowCallRate) {
        this.breakerSlowCallRate = breakerSlowCallRate;
        this.breakerSettings = null;
    }

    public long getBreakerSlowCall() {
        return breakerSlowCall;
    }

    public void setBreakerSlowCall(long breakerSlowCall) {
        this.breakerSlowCall = breakerSlowCall;
        this.breakerSettings = null;
    }

    public int getBreakerWindow() {
        return breakerWindow;
    }

    public void setBreakerWindow(int breakerWindow) {
        this.breakerWindow = breakerWindow;
        this.breakerSettings = null;
    }

    public int getBreakerMinimumCalls() {
        return breakerMinimumCalls;
    }

    public void setBreakerMinimumCalls(int breakerMinimumCalls) {
        this.breakerMinimumCalls = breakerMinimumCalls;
        this.breakerSettings = null;
    }

    public long getBreakerOpen() {
        return breakerOpen;
    }

    public void setBreakerOpen(long breakerOpen) {
        this.breakerOpen = breakerOpen;
        this.breakerSettings = null;
    }

    public int getBreakerHalfOpenProbes() {
        return breakerHalfOpenProbes;
    }

    public void setBreakerHalfOpenProbes(int breakerHalfOpenProbes) {
        this.breakerHalfOpenProbes = breakerHalfOpenProbes;
        this.breakerSettings = null;
    }

    public boolean isBreakerPerModel() {
        return breakerPerModel;
    }

    public void setBreakerPerModel(boolean breakerPerModel) {
        this.breakerPerModel = breakerPerModel;
        this.breakerSettings = null;
    }

    /** Never the key: settings end up in logs and JMX attribute views. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[name=" + name + ", baseUrl=" + baseUrl + ", key=" + (hasKey() ? "set" : "none") + "]";
    }
}
