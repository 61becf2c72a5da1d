package dev.caravan.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.OpenAiError;

/**
 * Gemini's error body, Google's {@code {"error":{"code","message","status","details"}}}, as an OpenAI
 * error: the message is kept, the type follows the HTTP status and the gRPC {@code status} becomes the
 * {@code code} in OpenAI's lower case ({@code INVALID_ARGUMENT} to {@code invalid_argument}). One case is
 * corrected: Gemini answers a bad API key with 400 {@code API_KEY_INVALID}, which is 401
 * {@code authentication_error} / {@code invalid_api_key} in OpenAI's terms. Which errors fail over is decided
 * by status, not here (see {@code UpstreamResponses.errorResult}).
 */
public final class GeminiErrors {

    private GeminiErrors() {
    }

    /** The OpenAI error for a Gemini error body (null or unreadable: a generic message for the status). */
    public static OpenAiError toOpenAi(int status, JsonNode body) {
        JsonNode error = body == null ? null : body.get("error");
        String fallback = "Gemini answered " + status + ".";
        if (error == null || !error.isObject()) {
            return new OpenAiError(status, fallback, OpenAiError.typeForStatus(status), null, null);
        }
        String message = error.hasNonNull("message") ? error.get("message").asText() : fallback;
        if (hasReason(error, "API_KEY_INVALID")) {
            return new OpenAiError(401, message, OpenAiError.AUTHENTICATION, null, "invalid_api_key");
        }
        String code = error.hasNonNull("status") ? error.get("status").asText().toLowerCase() : null;
        return new OpenAiError(status, message, OpenAiError.typeForStatus(status), null, code);
    }

    private static boolean hasReason(JsonNode error, String reason) {
        for (JsonNode detail : error.path("details")) {
            if (reason.equals(detail.path("reason").asText())) {
                return true;
            }
        }
        return false;
    }
}
