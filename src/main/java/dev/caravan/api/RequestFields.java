package dev.caravan.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.JsonTypes;
import dev.caravan.text.SafeText;

/** Field checks shared by the request validators, each naming the field it rejects. */
final class RequestFields {

    /** Longer than any provider's model id; the ledger stores the requested model as sent. */
    static final int MAX_MODEL_LENGTH = 256;

    private RequestFields() {
    }

    static void requireModel(ObjectNode body) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            throw ApiException.invalid("You must provide a model parameter.", "model", "missing_required_parameter");
        }
        if (!model.isTextual()) {
            throw ApiException.invalid("Invalid type for 'model': expected a string, but got " + JsonTypes.name(model)
                    + " instead.", "model", "invalid_type");
        }
        String text = model.asText();
        if (text.isBlank()) {
            throw ApiException.invalid("Invalid 'model': empty string.", "model", "invalid_value");
        }
        // the model is recorded in the ledger and the logs: nothing in it may make a row unwritable
        String problem = SafeText.problem(text);
        if (problem != null) {
            throw ApiException.invalid("Invalid 'model': " + problem + ".", "model", "invalid_value");
        }
        if (text.length() > MAX_MODEL_LENGTH) {
            throw ApiException.invalid("Invalid 'model': string too long. Expected a string with maximum length "
                    + MAX_MODEL_LENGTH + ", but got a string with length " + text.length() + " instead.", "model",
                    "string_above_max_length");
        }
    }

    static void optionalBoolean(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value != null && !value.isNull() && !value.isBoolean()) {
            throw ApiException.invalid("Invalid type for '" + field + "': expected a boolean, but got "
                    + JsonTypes.name(value) + " instead.", field, "invalid_type");
        }
    }

    static void optionalNumber(ObjectNode body, String field, double min, double max) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber()) {
            throw ApiException.invalid("Invalid type for '" + field + "': expected a number, but got "
                    + JsonTypes.name(value) + " instead.", field, "invalid_type");
        }
        if (value.asDouble() < min || value.asDouble() > max) {
            throw ApiException.invalid("Invalid '" + field + "': " + value.asText() + " is not between " + trim(min)
                    + " and " + trim(max) + ".", field, "invalid_value");
        }
    }

    static void optionalInteger(ObjectNode body, String field, long min) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isIntegralNumber()) {
            throw ApiException.invalid("Invalid type for '" + field + "': expected an integer, but got "
                    + JsonTypes.name(value) + " instead.", field, "invalid_type");
        }
        if (value.asLong() < min) {
            throw ApiException.invalid("Invalid '" + field + "': integer below minimum value. Expected a value >= "
                    + min + ", but got " + value.asText() + " instead.", field, "integer_below_min_value");
        }
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
