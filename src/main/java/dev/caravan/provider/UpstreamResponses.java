package dev.caravan.provider;

import java.io.IOException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.call.FailureKind;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.upstream.UpstreamResponse;

/** Reading a provider's answer, shared by the adapters: bodies, content types and the failover rule. */
public final class UpstreamResponses {

    /** Things that look like API keys, in case a provider echoes one in an error message. */
    private static final Pattern KEY_LIKE = Pattern.compile(
            "\\b(sk|gsk|xai|sk-ant|sk-or|AIza)[-_A-Za-z0-9*]{8,}|\\b[A-Za-z0-9]{32,}\\b");

    private UpstreamResponses() {
    }

    /** Whether the answer is a success (2xx); anything else that reaches an adapter is a business error. */
    public static boolean ok(UpstreamResponse.Whole answer) {
        return answer.status() >= 200 && answer.status() < 300;
    }

    /** The body as JSON, or null when it is empty or not JSON. */
    public static JsonNode jsonOrNull(UpstreamResponse.Whole answer) {
        try {
            return answer.body().length() == 0 ? null : Json.read(answer.body().getBytes());
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * A stream was asked for and the provider answered 2xx in one piece: its technical failure (failover),
     * for providers that always stream when asked.
     */
    public static ProviderFailureException notAStream(String provider, UpstreamResponse.Whole answer) {
        return new ProviderFailureException(FailureKind.SERVER_ERROR, answer.status(),
                provider + " answered a stream request without an event stream");
    }

    /**
     * The failover rule for a non-2xx answer. {@code upstream:} already turned 408, 429 and 5xx into failures
     * (failover); what is left is a business error (400, 401, 403, 404, 413, 422...) that goes back to the client,
     * or an odd status (1xx, 3xx) that is the provider's fault.
     */
    public static ProviderResult errorResult(String provider, UpstreamResponse.Whole answer, OpenAiError error)
            throws ProviderFailureException {
        int status = answer.status();
        if (status >= 500 || status < 400 || status == 408 || status == 429) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status, provider + " answered " + status);
        }
        return new ProviderResult.Rejected(redacted(error));
    }

    /** {@link #errorResult(String, UpstreamResponse.Whole, OpenAiError)} for providers with OpenAI's error shape. */
    public static ProviderResult errorResult(String provider, UpstreamResponse.Whole answer)
            throws ProviderFailureException {
        return errorResult(provider, answer, OpenAiError.fromProvider(answer.status(), jsonOrNull(answer),
                "the provider rejected the request (" + answer.status() + ")"));
    }

    /** Drops anything key-like from a provider's error message before a client sees it. */
    public static OpenAiError redacted(OpenAiError error) {
        String message = error.message() == null ? "" : KEY_LIKE.matcher(error.message()).replaceAll("[redacted]");
        return new OpenAiError(error.status(), message, error.type(), error.param(), error.code());
    }
}
