package dev.caravan.provider;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;

/**
 * The parts of an OpenAI {@code chat.completion.chunk} that streams Caravan writes itself (the demo provider, and
 * Anthropic's and Gemini's streams translated) build alike.
 */
public final class ChunkJson {

    private ChunkJson() {
    }

    /** A chunk without choices yet: id, object, created, model. */
    public static ObjectNode envelope(String id, long created, String model) {
        ObjectNode chunk = JsonNodeFactory.instance.objectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        return chunk;
    }

    /** Fills {@code choice} with its index, delta, {@code logprobs: null} and finish reason (null while running). */
    public static ObjectNode choice(ObjectNode choice, int index, ObjectNode delta, String finishReason) {
        choice.put("index", index);
        choice.set("delta", delta);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return choice;
    }

    /** The usage-only chunk ({@code choices: []}) that ends a stream, on {@code envelope}. */
    public static StreamChunk usage(ObjectNode envelope, Usage usage) {
        envelope.putArray("choices");
        envelope.set("usage", usage.toJson());
        return new StreamChunk(Json.bytes(envelope), usage, false);
    }
}
