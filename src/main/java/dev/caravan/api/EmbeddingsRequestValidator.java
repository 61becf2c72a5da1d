package dev.caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;

/** The checks of {@code POST /v1/embeddings}: a model, a non-empty input, a known encoding format. */
public final class EmbeddingsRequestValidator {

    private EmbeddingsRequestValidator() {
    }

    public static void validate(ObjectNode body) {
        RequestFields.requireModel(body);
        JsonNode input = body.get("input");
        if (input == null || input.isNull()) {
            throw ApiException.invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }
        boolean valid = input.isTextual() || input.isArray() && !input.isEmpty() && allItemsValid(input);
        if (!valid) {
            throw ApiException.invalid("Invalid 'input': expected a string, an array of strings, an array of integers "
                    + "or an array of integer arrays, and not empty.", "input", "invalid_value");
        }
        JsonNode format = body.get("encoding_format");
        if (format != null && !format.isNull() && !("float".equals(format.asText()) || "base64".equals(format.asText()))) {
            throw ApiException.invalid("Invalid value for 'encoding_format': expected 'float' or 'base64'.",
                    "encoding_format", "invalid_value");
        }
        RequestFields.optionalInteger(body, "dimensions", 1);
    }

    private static boolean allItemsValid(JsonNode array) {
        for (JsonNode item : array) {
            boolean ok = item.isTextual() || item.isIntegralNumber()
                    || item.isArray() && !item.isEmpty() && allIntegers(item);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean allIntegers(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isIntegralNumber()) {
                return false;
            }
        }
        return true;
    }
}
