package dev.caravan.openai;

import com.fasterxml.jackson.databind.JsonNode;

/** JSON type names as OpenAI's validation errors write them ("expected a string, but got a number"). */
public final class JsonTypes {

    private JsonTypes() {
    }

    public static String name(JsonNode node) {
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isObject()) {
            return "an object";
        }
        return "null";
    }
}
