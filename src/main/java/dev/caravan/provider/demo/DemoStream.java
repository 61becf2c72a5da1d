package dev.caravan.provider.demo;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.ChunkJson;
import dev.caravan.provider.StreamChunk;

/**
 * The demo answer as OpenAI chunks: a role chunk, one chunk a word (after a pause, like a model generating),
 * a finish chunk, then the usage chunk.
 */
final class DemoStream implements ChunkStream {

    private final String id;
    private final long created;
    private final String model;
    private final List<String> words;
    private final int choices;
    private final String finishReason;
    private final Usage usage;
    private final long delayMs;
    private int step;
    private volatile boolean aborted;

    DemoStream(String id, long created, String model, List<String> words, int choices, String finishReason, Usage usage,
            long delayMs) {
        this.id = id;
        this.created = created;
        this.model = model;
        this.words = words;
        this.choices = choices;
        this.finishReason = finishReason;
        this.usage = usage;
        this.delayMs = delayMs;
    }

    @Override
    public StreamChunk next() {
        if (aborted) {
            return null;
        }
        int current = step++;
        if (current == 0) {
            return chunk(delta -> delta.put("role", "assistant").put("content", ""), null);
        }
        if (current <= words.size()) {
            pause();
            String word = words.get(current - 1);
            return chunk(delta -> delta.put("content", word), null);
        }
        if (current == words.size() + 1) {
            return chunk(delta -> { }, finishReason);
        }
        if (current == words.size() + 2) {
            return ChunkJson.usage(base(), usage);
        }
        return null;
    }

    private StreamChunk chunk(java.util.function.Consumer<ObjectNode> fillDelta, String finish) {
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

    private void pause() {
        if (delayMs <= 0) {
            return;
        }
        try {
            Thread.sleep(delayMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            aborted = true;
        }
    }

    @Override
    public void abort() {
        aborted = true;
    }

    @Override
    public void close() {
        aborted = true;
    }
}
