package dev.caravan.provider.anthropic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkJson;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamStreamException;

/**
 * Turns Anthropic's streaming events, one at a time, into OpenAI {@code chat.completion.chunk}s. It is
 * stateful because the two formats cut a message differently: Anthropic numbers content blocks across text
 * and tools, OpenAI numbers tool calls on their own; Anthropic reports input usage first and output usage
 * last, OpenAI once at the end.
 *
 * <ul>
 * <li>{@code message_start}: the first chunk, {@code delta: {role: assistant, content: ""}}.</li>
 * <li>{@code content_block_start}: a {@code tool_use} block opens a tool call (id, name, empty arguments);
 *     a text block with text gives that text.</li>
 * <li>{@code content_block_delta}: {@code text_delta} gives content; {@code input_json_delta} gives the
 *     next piece of the tool call's arguments.</li>
 * <li>{@code message_delta}: a chunk with the {@code finish_reason}; its usage is kept.</li>
 * <li>{@code message_stop}: the usage-only chunk ({@code choices: []}); the stream is finished.</li>
 * <li>{@code ping}, {@code content_block_stop}, thinking deltas: nothing.</li>
 * <li>{@code error}: thrown as {@link UpstreamStreamException} with the OpenAI error.</li>
 * </ul>
 */
public final class AnthropicStreamMapper {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final long created;
    private String id = "";
    private String model;
    private final Map<Integer, Integer> toolCallOfBlock = new HashMap<>();
    private long inputTokens;
    private long cacheReadTokens;
    private long cacheCreationTokens;
    private long outputTokens;
    private boolean finished;

    /** {@code model} is reported until {@code message_start} names the model that answers. */
    public AnthropicStreamMapper(String model, long created) {
        this.model = model;
        this.created = created;
    }

    /** True once {@code message_stop} was mapped: nothing more is expected. */
    public boolean finished() {
        return finished;
    }

    /** The chunks for one event (often none); {@code data} is the event's parsed JSON. */
    public List<StreamChunk> map(JsonNode data) throws UpstreamStreamException {
        String type = data.path("type").asText();
        switch (type) {
            case "message_start" -> {
                JsonNode message = data.path("message");
                id = message.path("id").asText(id);
                model = message.path("model").asText(model);
                readUsage(message.path("usage"));
                ObjectNode delta = F.objectNode().put("role", "assistant").put("content", "");
                return List.of(chunk(delta, null));
            }
            case "content_block_start" -> {
                return blockStart(data.path("index").asInt(), data.path("content_block"));
            }
            case "content_block_delta" -> {
                return blockDelta(data.path("index").asInt(), data.path("delta"));
            }
            case "message_delta" -> {
                readUsage(data.path("usage"));
                String stopReason = data.path("delta").path("stop_reason").asText(null);
                String reason = AnthropicResponseMapper.finishReason(stopReason);
                return reason == null ? List.of() : List.of(chunk(F.objectNode(), reason));
            }
            case "message_stop" -> {
                finished = true;
                return List.of(usageChunk());
            }
            case "error" -> throw new UpstreamStreamException(AnthropicErrors.toOpenAi(502, data));
            default -> {
                // ping, content_block_stop, and event types added later
                return List.of();
            }
        }
    }

    private List<StreamChunk> blockStart(int index, JsonNode block) {
        String type = block.path("type").asText();
        if ("tool_use".equals(type)) {
            int toolIndex = toolCallOfBlock.size();
            toolCallOfBlock.put(index, toolIndex);
            ObjectNode call = F.objectNode();
            call.put("index", toolIndex);
            call.put("id", block.path("id").asText());
            call.put("type", "function");
            call.putObject("function").put("name", block.path("name").asText()).put("arguments", "");
            ObjectNode delta = F.objectNode();
            delta.putArray("tool_calls").add(call);
            return List.of(chunk(delta, null));
        }
        if ("text".equals(type) && !block.path("text").asText().isEmpty()) {
            return List.of(chunk(F.objectNode().put("content", block.get("text").asText()), null));
        }
        return List.of();
    }

    private List<StreamChunk> blockDelta(int index, JsonNode delta) {
        String type = delta.path("type").asText();
        if ("text_delta".equals(type)) {
            return List.of(chunk(F.objectNode().put("content", delta.path("text").asText()), null));
        }
        if ("input_json_delta".equals(type)) {
            Integer toolIndex = toolCallOfBlock.get(index);
            String partial = delta.path("partial_json").asText();
            if (toolIndex == null || partial.isEmpty()) {
                return List.of();
            }
            ObjectNode call = F.objectNode();
            call.put("index", toolIndex);
            call.putObject("function").put("arguments", partial);
            ObjectNode out = F.objectNode();
            out.putArray("tool_calls").add(call);
            return List.of(chunk(out, null));
        }
        // thinking_delta, signature_delta, citations_delta: no OpenAI equivalent
        return List.of();
    }

    private void readUsage(JsonNode usage) {
        if (!usage.isObject()) {
            return;
        }
        // message_delta's counts are cumulative; input counts appear there only on newer API versions
        inputTokens = count(usage, "input_tokens", inputTokens);
        cacheReadTokens = count(usage, "cache_read_input_tokens", cacheReadTokens);
        cacheCreationTokens = count(usage, "cache_creation_input_tokens", cacheCreationTokens);
        outputTokens = count(usage, "output_tokens", outputTokens);
    }

    private static long count(JsonNode usage, String field, long previous) {
        JsonNode value = usage.get(field);
        return value != null && value.isNumber() ? value.asLong() : previous;
    }

    private StreamChunk chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = ChunkJson.envelope(id, created, model);
        ChunkJson.choice(chunk.putArray("choices").addObject(), 0, delta, finishReason);
        return new StreamChunk(Json.bytes(chunk), null, true);
    }

    private StreamChunk usageChunk() {
        Usage usage = AnthropicResponseMapper.usage(inputTokens, cacheReadTokens, cacheCreationTokens, outputTokens);
        return ChunkJson.usage(ChunkJson.envelope(id, created, model), usage);
    }
}
