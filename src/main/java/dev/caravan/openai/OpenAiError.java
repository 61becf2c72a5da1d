package dev.caravan.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * An error in OpenAI's wire shape, {@code {"error":{"message","type","param","code"}}}, with the HTTP
 * status it is sent with. The message must be safe to show a client: no stack trace, no provider key.
 */
public record OpenAiError(int status, String message, String type, String param, String code) {

    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String AUTHENTICATION = "authentication_error";
    public static final String PERMISSION = "permission_error";
    public static final String NOT_FOUND = "not_found_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String INSUFFICIENT_QUOTA = "insufficient_quota";
    public static final String API_ERROR = "api_error";

    /** A failure of Caravan's own, told without any detail. */
    public static OpenAiError internal() {
        return new OpenAiError(500, "The server had an error while processing your request.", API_ERROR, null, null);
    }

    public static OpenAiError invalidRequest(String message, String param) {
        return new OpenAiError(400, message, INVALID_REQUEST, param, null);
    }

    public static OpenAiError invalidRequest(String message, String param, String code) {
        return new OpenAiError(400, message, INVALID_REQUEST, param, code);
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode error = f.objectNode();
        error.put("message", message);
        error.put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        ObjectNode root = f.objectNode();
        root.set("error", error);
        return root;
    }

    public byte[] toBytes() {
        return Json.bytes(toJson());
    }

    /**
     * Reads an error that an OpenAI-compatible provider sent. Providers differ in the details (a string
     * {@code error}, a numeric {@code code}, no {@code type}), so every field is optional.
     */
    public static OpenAiError fromProvider(int status, JsonNode body, String fallbackMessage) {
        JsonNode error = body == null ? null : body.get("error");
        if (error == null || error.isNull()) {
            String message = body != null && body.hasNonNull("message") ? body.get("message").asText() : fallbackMessage;
            return new OpenAiError(status, message, typeForStatus(status), null, null);
        }
        if (error.isTextual()) {
            return new OpenAiError(status, error.asText(), typeForStatus(status), null, null);
        }
        String message = error.hasNonNull("message") ? error.get("message").asText() : fallbackMessage;
        String type = error.hasNonNull("type") ? error.get("type").asText() : typeForStatus(status);
        String param = error.hasNonNull("param") ? error.get("param").asText() : null;
        String code = error.hasNonNull("code") ? error.get("code").asText() : null;
        return new OpenAiError(status, message, type, param, code);
    }

    public static String typeForStatus(int status) {
        return switch (status) {
            case 400, 405, 409, 413, 415, 422 -> INVALID_REQUEST;
            case 404 -> NOT_FOUND;
            case 401 -> AUTHENTICATION;
            case 403 -> PERMISSION;
            case 402 -> INSUFFICIENT_QUOTA;
            case 429 -> RATE_LIMIT;
            default -> API_ERROR;
        };
    }
}
