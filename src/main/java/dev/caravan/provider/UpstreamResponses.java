package dev.caravan.provider;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.call.FailureKind;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.hc.core5.http.io.EofSensorInputStream;

/** Reading a provider's HTTP answer, shared by the adapters: bodies, content types and the failover rule. */
public final class UpstreamResponses {

    /** Error bodies are small; a larger one is cut here rather than held in memory. */
    private static final int MAX_ERROR_BYTES = 64 * 1024;

    /** Things that look like API keys, in case a provider echoes one in an error message. */
    private static final Pattern KEY_LIKE = Pattern.compile(
            "\\b(sk|gsk|xai|sk-ant|sk-or|AIza)[-_A-Za-z0-9*]{8,}|\\b[A-Za-z0-9]{32,}\\b");

    private UpstreamResponses() {
    }

    /** The content headers of a JSON request to a provider that answers in JSON, or in SSE for a stream. */
    public static void jsonRequestHeaders(Message message, boolean stream) {
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader("Accept", stream ? "text/event-stream" : "application/json");
        if (stream) {
            // compression would hold events back in the encoder's buffer
            message.setHeader("Accept-Encoding", "identity");
        }
    }

    /**
     * Drops an upstream body without reading the rest: the connection is closed rather than returned to the
     * pool, which is what a stream nobody will finish needs (reading it to the end could take minutes).
     */
    public static void drop(InputStream upstream) {
        if (upstream instanceof EofSensorInputStream eof) {
            try {
                eof.abort();
                return;
            } catch (IOException ignored) {
                // fall through to close
            }
        }
        try {
            upstream.close();
        } catch (IOException ignored) {
            // nothing more to do with a stream we are dropping
        }
    }

    /** Reads a stream's first chunk and keeps it for the client (the adapters' {@code peek}). */
    @FunctionalInterface
    public interface FirstChunk {
        StreamChunk read() throws IOException;
    }

    /**
     * Reads a stream's first chunk before the answer is committed, so that a provider failing at once still fails
     * over: an error event there (or a broken connection) drops the upstream connection and throws.
     */
    public static ProviderResult.Streaming streaming(ChunkStream chunks, FirstChunk first, int status)
            throws IOException, ProviderFailureException {
        try {
            first.read();
        } catch (UpstreamStreamException e) {
            chunks.abort();
            String reason = e.error().code() != null ? e.error().code() : e.error().type();
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status, "stream began with an error: " + reason);
        } catch (IOException e) {
            chunks.abort();
            throw e;
        }
        return new ProviderResult.Streaming(chunks);
    }

    /** A stream was asked for: anything but an event stream is the provider's technical failure (failover). */
    public static void requireEventStream(Message message, InputStream body, int status, String provider)
            throws IOException, ProviderFailureException {
        if (!isEventStream(message)) {
            readCapped(body);
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status,
                    provider + " answered a stream request without an event stream");
        }
    }

    public static boolean isEventStream(Message message) {
        String type = message.getHeader(Exchange.CONTENT_TYPE, String.class);
        return type != null && type.toLowerCase().startsWith("text/event-stream");
    }

    public static byte[] readAll(InputStream body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        try (body) {
            return body.readAllBytes();
        }
    }

    public static byte[] readCapped(InputStream body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        try (body) {
            byte[] bytes = body.readNBytes(MAX_ERROR_BYTES);
            return Arrays.copyOf(bytes, bytes.length);
        }
    }

    /**
     * The failover rule for a non-2xx answer: a technical failure (408, 429, 5xx and the like) is thrown so the
     * next provider is tried; a business error (400, 401, 403, 404, 413, 422...) goes back to the client.
     */
    public static ProviderResult errorResult(String provider, int status, byte[] body) throws ProviderFailureException {
        if (status == 429) {
            throw new ProviderFailureException(FailureKind.RATE_LIMITED, status, "rate limited by " + provider);
        }
        if (status == 408 || status == 504) {
            throw new ProviderFailureException(FailureKind.TIMEOUT, status, provider + " timed out (" + status + ")");
        }
        if (status >= 500 || status < 400) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status, provider + " answered " + status);
        }
        JsonNode json = null;
        try {
            json = body.length == 0 ? null : Json.read(body);
        } catch (IOException notJson) {
            // keep json null: a generic message is used
        }
        OpenAiError error = OpenAiError.fromProvider(status, json, "the provider rejected the request (" + status + ")");
        return new ProviderResult.Rejected(redacted(error));
    }

    /** Drops anything key-like from a provider's error message before a client sees it. */
    public static OpenAiError redacted(OpenAiError error) {
        String message = error.message() == null ? "" : KEY_LIKE.matcher(error.message()).replaceAll("[redacted]");
        return new OpenAiError(error.status(), message, error.type(), error.param(), error.code());
    }
}
