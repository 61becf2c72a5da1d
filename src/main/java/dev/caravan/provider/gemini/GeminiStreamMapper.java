package dev.caravan.provider.gemini;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkJson;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamStreamException;

/**
 * Turns the events of Gemini's {@code streamGenerateContent?alt=sse}, one at a time, into OpenAI
 * {@code chat.completion.chunk}s. Each Gemini event is a partial {@code GenerateContentResponse}; it becomes
 * one chunk with a choice per candidate that has something to say: the role on a candidate's first chunk,
 * its new text, its function calls (Gemini sends each call whole, so a call's arguments arrive in one
 * chunk, and so does its thought signature, as {@code extra_content.google.thought_signature} on the delta
 * that introduces the call, like {@link GeminiResponseMapper} gives it), and its finish reason on the last.
 * Gemini's stream has no end marker: the usage it reports on its last events is kept and given as the
 * usage-only chunk by {@link #usageChunk()} once the stream ends. An {@code error} object in the stream is
 * thrown as {@link UpstreamStreamException}.
 */
public final class GeminiStreamMapper {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final long created;
    private String id;
    private String model;
    private final Set<Integer> started = new HashSet<>();
    private final Map<Integer, Integer> toolCallsOfCandidate = new HashMap<>();
    private int toolCallCount;
    private boolean finished;
    private Usage usage;

    /**
     * @param model      reported until an event names its {@code modelVersion}
     * @param fallbackId the chunk id when the events carry no {@code responseId}
     */
    public GeminiStreamMapper(String model, String fallbackId, long created) {
        this.model = model;
        this.id = fallbackId;
        this.created = created;
    }

    /** True once a candidate reported its finish reason (or the prompt was blocked). */
    public boolean finished() {
        return finished;
    }

    /** The chunks for one event: one chunk, or none when the event only carries usage. */
    public List<StreamChunk> map(JsonNode event) throws UpstreamStreamException {
        if (event.has("error")) {
            throw new UpstreamStreamException(GeminiErrors.toOpenAi(502, event));
        }
        if (started.isEmpty() && event.hasNonNull("responseId")) {
            id = event.get("responseId").asText();
        }
        model = event.path("modelVersion").asText(model);
        Usage reported = GeminiResponseMapper.usage(event.get("usageMetadata"));
        if (reported != null) {
            usage = reported;
        }
        ArrayNode choices = F.arrayNode();
        JsonNode candidates = event.path("candidates");
        for (int c = 0; c < candidates.size(); c++) {
            ObjectNode choice = choice(candidates.get(c), c);
            if (choice != null) {
                choices.add(choice);
            }
        }
        if (candidates.isEmpty() && event.path("promptFeedback").hasNonNull("blockReason")) {
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            choice.putObject("delta").put("role", "assistant");
            choice.putNull("logprobs");
            choice.put("finish_reason", "content_filter");
            finished = true;
        }
        if (choices.isEmpty()) {
            return List.of();
        }
        ObjectNode chunk = ChunkJson.envelope(id, created, model);
        chunk.set("choices", choices);
        return List.of(new StreamChunk(Json.bytes(chunk), null, true));
    }

    private ObjectNode choice(JsonNode candidate, int position) {
        int index = candidate.path("index").asInt(position);
        ObjectNode delta = F.objectNode();
        if (started.add(index)) {
            delta.put("role", "assistant");
        }
        StringBuilder text = new StringBuilder();
        ArrayNode toolCalls = F.arrayNode();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("text") && !part.path("thought").asBoolean(false)) {
                text.append(part.get("text").asText());
            } else if (part.has("functionCall")) {
                int callIndex = toolCallsOfCandidate.merge(index, 1, Integer::sum) - 1;
                ObjectNode call = GeminiResponseMapper.toolCall(part, id, toolCallCount++);
                ObjectNode indexed = F.objectNode().put("index", callIndex);
                indexed.setAll(call);
                toolCalls.add(indexed);
            }
        }
        if (!text.isEmpty()) {
            delta.put("content", text.toString());
        }
        if (!toolCalls.isEmpty()) {
            delta.set("tool_calls", toolCalls);
        }
        String finish = GeminiResponseMapper.finishReason(candidate.path("finishReason").asText(null),
                toolCallsOfCandidate.containsKey(index));
        if (finish != null) {
            finished = true;
        }
        if (delta.isEmpty() && finish == null) {
            return null;
        }
        return ChunkJson.choice(F.objectNode(), index, delta, finish);
    }

    /** The usage-only chunk ({@code choices: []}) for the end of the stream; null if Gemini reported no usage. */
    public StreamChunk usageChunk() {
        if (usage == null) {
            return null;
        }
        return ChunkJson.usage(ChunkJson.envelope(id, created, model), usage);
    }
}
