package dev.caravan.provider;

import java.net.URI;
import java.time.Duration;

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

    /** A POST of {@code body} to {@code path} below the base URL, with this instance's timeouts. */
    public UpstreamRequest post(String path, Headers headers, byte[] body, boolean stream) {
        URI uri = URI.create(trimmedBase() + path);
        return UpstreamRequest.post(uri, headers, Buffer.buffer(body), stream)
                .withTimeouts(Duration.ofMillis(connectTimeout), Duration.ofMillis(timeout), Duration.ofMillis(timeout));
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

    /** Never the key: settings end up in logs and JMX attribute views. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[name=" + name + ", baseUrl=" + baseUrl + ", key=" + (hasKey() ? "set" : "none") + "]";
    }
}
