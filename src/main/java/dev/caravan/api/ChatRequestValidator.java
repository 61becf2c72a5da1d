package dev.caravan.api;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.JsonTypes;

/**
 * The checks Caravan makes before routing a chat request: the fields it routes and meters on must be there
 * and of the right type. Everything else is left to the provider, which knows its own limits.
 * Messages follow OpenAI's wording and name the offending field in {@code param}.
 */
public final class ChatRequestValidator {

    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");

    private ChatRequestValidator() {
    }

    public static void validate(ObjectNode body) {
        RequestFields.requireModel(body);
        JsonNode messages = body.get("messages");
        if (messages == null || messages.isNull()) {
            throw ApiException.invalid("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
        }
        if (!messages.isArray()) {
            throw ApiException.invalid("Invalid type for 'messages': expected an array of objects, but got "
                    + JsonTypes.name(messages) + " instead.", "messages", "invalid_type");
        }
        if (messages.isEmpty()) {
            throw ApiException.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                    "messages", "empty_array");
        }
        for (int i = 0; i < messages.size(); i++) {
            validateMessage(messages.get(i), "messages[" + i + "]");
        }
        RequestFields.optionalBoolean(body, "stream");
        JsonNode streamOptions = body.get("stream_options");
        if (streamOptions != null && !streamOptions.isNull()) {
            if (!streamOptions.isObject()) {
                throw ApiException.invalid("Invalid type for 'stream_options': expected an object, but got "
                        + JsonTypes.name(streamOptions) + " instead.", "stream_options", "invalid_type");
            }
            if (!body.path("stream").asBoolean(false)) {
                throw ApiException.invalid("The 'stream_options' parameter is only allowed when 'stream' is enabled.",
                        "stream_options", "invalid_value");
            }
        }
        RequestFields.optionalNumber(body, "temperature", 0, 2);
        RequestFields.optionalNumber(body, "top_p", 0, 1);
        RequestFields.optionalInteger(body, "max_tokens", 1);
        RequestFields.optionalInteger(body, "max_completion_tokens", 1);
        RequestFields.optionalInteger(body, "n", 1);
    }

    private static void validateMessage(JsonNode message, String path) {
        if (!message.isObject()) {
            throw ApiException.invalid("Invalid type for '" + path + "': expected an object, but got "
                    + JsonTypes.name(message) + " instead.", path, "invalid_type");
        }
        JsonNode role = message.get("role");
        if (role == null || role.isNull()) {
            throw ApiException.invalid("Missing required parameter: '" + path + ".role'.", path + ".role",
                    "missing_required_parameter");
        }
        if (!role.isTextual() || !ROLES.contains(role.asText())) {
            throw ApiException.invalid("Invalid value: '" + role.asText() + "'. Supported values are: 'system', "
                    + "'developer', 'user', 'assistant', 'tool' and 'function'.", path + ".role", "invalid_value");
        }
        JsonNode content = message.get("content");
        if (content != null && !content.isNull() && !content.isTextual() && !content.isArray()) {
            throw ApiException.invalid("Invalid type for '" + path + ".content': expected one of a string or array of objects, but got "
                    + JsonTypes.name(content) + " instead.", path + ".content", "invalid_type");
        }
        if ((content == null || content.isNull()) && "user".equals(role.asText())) {
            throw ApiException.invalid("Missing required parameter: '" + path + ".content'.", path + ".content",
                    "missing_required_parameter");
        }
    }
}
