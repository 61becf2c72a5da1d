package dev.caravan.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.OpenAiError;

/**
 * Anthropic's error body, {@code {"type":"error","error":{"type","message"}}}, as an OpenAI error. The
 * error types Anthropic shares with OpenAI keep their name; the others take the OpenAI type of their
 * meaning and keep Anthropic's type as {@code code}: {@code overloaded_error} (529) and {@code api_error}
 * are {@code api_error}, {@code request_too_large} (413) is {@code invalid_request_error},
 * {@code billing_error} is {@code insufficient_quota}. Which errors fail over is decided by status, not
 * here (see {@code UpstreamResponses.errorResult}).
 */
public final class AnthropicErrors {

    private AnthropicErrors() {
    }

    /** The OpenAI error for an Anthropic error body (null or unreadable: a generic message for the status). */
    public static OpenAiError toOpenAi(int status, JsonNode body) {
        JsonNode error = body == null ? null : body.get("error");
        String anthropicType = error == null ? null : error.path("type").asText(null);
        String message = error == null || !error.hasNonNull("message")
                ? "Anthropic answered " + status + "." : error.get("message").asText();
        String type = openAiType(anthropicType, status);
        String code = anthropicType != null && !anthropicType.equals(type) ? anthropicType : null;
        return new OpenAiError(status, message, type, null, code);
    }

    private static String openAiType(String anthropicType, int status) {
        if (anthropicType == null) {
            return OpenAiError.typeForStatus(status);
        }
        return switch (anthropicType) {
            case "invalid_request_error", "request_too_large" -> OpenAiError.INVALID_REQUEST;
            case "authentication_error" -> OpenAiError.AUTHENTICATION;
            case "permission_error" -> OpenAiError.PERMISSION;
            case "not_found_error" -> OpenAiError.NOT_FOUND;
            case "rate_limit_error" -> OpenAiError.RATE_LIMIT;
            case "billing_error" -> OpenAiError.INSUFFICIENT_QUOTA;
            default -> OpenAiError.API_ERROR;
        };
    }
}
