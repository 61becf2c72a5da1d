package dev.caravan.provider.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.ListChunkStream;
import dev.caravan.provider.StreamChunk;

/**
 * A whole {@code chat.completion} replayed as a stream (one content chunk, then the usage chunk), for a
 * provider that ignored {@code stream: true}. The client still gets a well-formed stream.
 */
final class CompletionAsStream {

    private CompletionAsStream() {
    }

    static ChunkStream of(ObjectNode completion, Usage usage) {
        List<StreamChunk> chunks = new ArrayList<>(2);
        ObjectNode chunk = completion.objectNode();
        chunk.set("id", completion.get("id"));
        chunk.put("object", "chat.completion.chunk");
        chunk.set("created", completion.get("created"));
        chunk.set("model", completion.get("model"));
        ArrayNode choices = chunk.putArray("choices");
        for (JsonNode choice : completion.path("choices")) {
            ObjectNode delta = choice.path("message").isObject()
                    ? ((ObjectNode) choice.get("message")).deepCopy() : completion.objectNode();
            ObjectNode out = choices.addObject();
            out.put("index", choice.path("index").asInt(0));
            out.set("delta", delta);
            out.set("finish_reason", choice.get("finish_reason"));
        }
        chunks.add(new StreamChunk(Json.bytes(chunk), null, true));
        if (usage != null) {
            ObjectNode usageChunk = chunk.deepCopy();
            usageChunk.putArray("choices");
            usageChunk.set("usage", completion.get("usage"));
            chunks.add(new StreamChunk(Json.bytes(usageChunk), usage, false));
        }
        return ListChunkStream.of(chunks);
    }
}
