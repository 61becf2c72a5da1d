package dev.caravan.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Token usage of one call, as OpenAI reports it. {@code estimated} is true when the provider did not report
 * usage and Caravan counted the tokens itself.
 */
public record Usage(long promptTokens, long completionTokens, long cachedTokens, boolean estimated) {

    public static final Usage NONE = new Usage(0, 0, 0, true);

    public long totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Reads an OpenAI {@code usage} object; null when the node is absent or null. */
    public static Usage fromJson(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        long cached = usage.path("prompt_tokens_details").path("cached_tokens").asLong(0);
        return new Usage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0), cached, false);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("prompt_tokens", promptTokens);
        node.put("completion_tokens", completionTokens);
        node.put("total_tokens", totalTokens());
        if (cachedTokens > 0) {
            node.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
        }
        return node;
    }
}
