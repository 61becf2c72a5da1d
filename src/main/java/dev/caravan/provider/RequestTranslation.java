package dev.caravan.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Json;

/**
 * What the request mappers of native providers (Anthropic, Gemini) share when they translate an OpenAI chat
 * request: merging messages into alternating turns, reading text-only contents and tool arguments, and the 400s
 * for what cannot be translated.
 */
public final class RequestTranslation {

    private RequestTranslation() {
    }

    /**
     * The parts array ({@code partsField}) of the last turn if it has {@code role}, else of a new turn: both
     * formats want consecutive messages of one role (a user message and tool results) merged into one turn.
     */
    public static ArrayNode turn(ArrayNode turns, String role, String partsField) {
        if (!turns.isEmpty()) {
            JsonNode last = turns.get(turns.size() - 1);
            if (role.equals(last.path("role").asText())) {
                return (ArrayNode) last.get(partsField);
            }
        }
        ObjectNode turn = turns.addObject();
        turn.put("role", role);
        return turn.putArray(partsField);
    }

    /** The text of a content that may only hold text (system and tool messages). */
    public static String textOnly(JsonNode content, String path) {
        if (content == null || content.isNull()) {
            return "";
        }
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            if (!"text".equals(part.path("type").asText())) {
                throw unsupportedValue("Only text parts are supported here.", path + "[" + j + "].type");
            }
            text.append(part.path("text").asText());
        }
        return text.toString();
    }

    /** Tool call arguments: a JSON string in OpenAI's format, an object in {@code provider}'s. */
    public static ObjectNode argumentsObject(JsonNode arguments, String path, String provider) {
        if (arguments.isObject()) {
            return ((ObjectNode) arguments).deepCopy();
        }
        String text = arguments.asText("");
        if (text.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            if (Json.read(text.getBytes(StandardCharsets.UTF_8)) instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException notJson) {
            // refused below
        }
        throw unsupportedValue("Tool call arguments must be a JSON object to be sent to " + provider + ".", path);
    }

    /** Copies {@code field} as {@code as} when it is present and not null. */
    public static void copyIfPresent(ObjectNode from, String field, ObjectNode to, String as) {
        JsonNode value = from.get(field);
        if (value != null && !value.isNull()) {
            to.set(as, value);
        }
    }

    /** Whether {@code array} is an array holding {@code text}. */
    public static boolean containsText(JsonNode array, String text) {
        if (array != null && array.isArray()) {
            for (JsonNode item : array) {
                if (text.equals(item.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    public static ApiException unsupportedParameter(String message, String param) {
        return ApiException.invalid(message, param, "unsupported_parameter");
    }

    public static ApiException unsupportedValue(String message, String param) {
        return ApiException.invalid(message, param, "unsupported_value");
    }
}
