package dev.caravan.provider.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.ListChunkStream;
import dev.caravan.provider.ChunkJson;
import dev.caravan.provider.StreamChunk;
import io.vertx.core.Vertx;

/**
 * The demo answer as OpenAI chunks: a role chunk, one chunk a word (after a pause, like a model generating),
 * a finish chunk, then the usage chunk. The pauses are Vert.x timers: a paced stream holds no thread.
 */
final class DemoStream {

    private final String id;
    private final long created;
    private final String model;
    private final int choices;

    private DemoStream(String id, long created, String model, int choices) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.choices = choices;
    }

    static ChunkStream of(Vertx vertx, String id, long created, String model, List<String> words, int choices,
                          String finishReason, Usage usage, long delayMs) {
        DemoStream demo = new DemoStream(id, created, model, choices);
        List<ListChunkStream.Step> steps = new ArrayList<>(words.size() + 3);
        steps.add(new ListChunkStream.Step(0, demo.chunk(delta -> delta.put("role", "assistant").put("content", ""), null)));
        for (String word : words) {
            steps.add(new ListChunkStream.Step(delayMs, demo.chunk(delta -> delta.put("content", word), null)));
        }
        steps.add(new ListChunkStream.Step(0, demo.chunk(delta -> { }, finishReason)));
        steps.add(new ListChunkStream.Step(0, ChunkJson.usage(demo.base(), usage)));
        return new ListChunkStream(steps, (delay, next) -> vertx.setTimer(delay, timer -> next.run()));
    }

    private StreamChunk chunk(Consumer<ObjectNode> fillDelta, String finish) {
        ObjectNode chunk = base();
        ArrayNode array = chunk.putArray("choices");
        for (int i = 0; i < choices; i++) {
            ObjectNode delta = JsonNodeFactory.instance.objectNode();
            fillDelta.accept(delta);
            ChunkJson.choice(array.addObject(), i, delta, finish);
        }
        return new StreamChunk(Json.bytes(chunk), null, true);
    }

    private ObjectNode base() {
        return ChunkJson.envelope(id, created, model).put("system_fingerprint", "fp_caravan_demo");
    }
}
