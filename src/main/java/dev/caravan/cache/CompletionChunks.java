package dev.caravan.cache;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.StreamChunk;

/**
 * A cached {@code chat.completion} replayed to a client that asked for a stream: one chunk carrying every choice
 * whole (its message as the delta, each tool call given its {@code index}, its {@code logprobs} and
 * {@code finish_reason}), then the usage chunk with the completion's {@code usage} as it was. Every field of the
 * completion's envelope ({@code id}, {@code created}, {@code model}, {@code system_fingerprint},
 * {@code service_tier}...) is on both chunks, so {@link StreamCompletion} turns them back into the same completion.
 */
final class CompletionChunks {

    private CompletionChunks() {
    }

    static List<StreamChunk> of(ObjectNode completion) {
        ObjectNode envelope = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> fields = completion.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            switch (field.getKey()) {
                case "object" -> envelope.put("object", "chat.completion.chunk");
                case "choices", "usage" -> {
                    // added per chunk below
                }
                default -> envelope.set(field.getKey(), field.getValue());
            }
        }
        if (!envelope.has("object")) {
            envelope.put("object", "chat.completion.chunk");
        }
        List<StreamChunk> chunks = new ArrayList<>(2);
        ObjectNode content = envelope.deepCopy();
        ArrayNode choices = content.putArray("choices");
        for (JsonNode choice : completion.path("choices")) {
            ObjectNode out = choices.addObject();
            out.set("index", choice.has("index") ? choice.get("index") : out.numberNode(choices.size() - 1));
            out.set("delta", delta(choice.get("message")));
            out.set("logprobs", choice.has("logprobs") ? choice.get("logprobs") : out.nullNode());
            out.set("finish_reason", choice.has("finish_reason") ? choice.get("finish_reason") : out.nullNode());
        }
        chunks.add(new StreamChunk(Json.bytes(content), null, true));
        JsonNode usage = completion.get("usage");
        if (usage != null && usage.isObject()) {
            ObjectNode usageChunk = envelope.deepCopy();
            usageChunk.putArray("choices");
            usageChunk.set("usage", usage);
            chunks.add(new StreamChunk(Json.bytes(usageChunk), Usage.fromJson(usage), false));
        }
        return chunks;
    }

    /** The message as one delta: the same fields, with each tool call's position as its {@code index}. */
    private static ObjectNode delta(JsonNode message) {
        ObjectNode delta = JsonNodeFactory.instance.objectNode();
        if (message == null || !message.isObject()) {
            return delta;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = message.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if ("tool_calls".equals(field.getKey()) && field.getValue().isArray()) {
                ArrayNode calls = delta.putArray("tool_calls");
                int index = 0;
                for (JsonNode call : field.getValue()) {
                    ObjectNode indexed = calls.addObject();
                    indexed.put("index", index++);
                    if (call.isObject()) {
                        call.fields().forEachRemaining(part -> {
                            if (!"index".equals(part.getKey())) {
                                indexed.set(part.getKey(), part.getValue());
                            }
                        });
                    }
                }
            } else {
                delta.set(field.getKey(), field.getValue());
            }
        }
        return delta;
    }
}
