package dev.caravan.provider.anthropic;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;

/**
 * Translates an Anthropic {@code message} into an OpenAI {@code chat.completion}. Pure, and shared with the
 * stream mapper for the two rules both need: stop reasons and usage.
 *
 * <p>Text blocks are joined into {@code content}; {@code tool_use} blocks become {@code tool_calls} (the
 * {@code input} object serialized as the {@code arguments} string, the block id kept as the call id);
 * other blocks ({@code thinking}, server tool blocks) have no OpenAI equivalent and are left out.
 */
public final class AnthropicResponseMapper {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AnthropicResponseMapper() {
    }

    /** The OpenAI completion for an Anthropic message; {@code created} is the Unix time to report. */
    public static ObjectNode toChatCompletion(JsonNode message, long created) {
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        ArrayNode toolCalls = F.arrayNode();
        for (JsonNode block : message.path("content")) {
            String type = block.path("type").asText();
            if ("text".equals(type)) {
                text.append(block.path("text").asText());
                hasText = true;
            } else if ("tool_use".equals(type)) {
                ObjectNode call = toolCalls.addObject();
                call.put("id", block.path("id").asText());
                call.put("type", "function");
                ObjectNode function = call.putObject("function");
                function.put("name", block.path("name").asText());
                JsonNode input = block.path("input").isObject() ? block.get("input") : F.objectNode();
                function.put("arguments", new String(Json.bytes(input), StandardCharsets.UTF_8));
            }
        }
        ObjectNode completion = F.objectNode();
        completion.put("id", message.path("id").asText());
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", message.path("model").asText());
        ObjectNode choice = completion.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode out = choice.putObject("message");
        out.put("role", "assistant");
        if (hasText || toolCalls.isEmpty()) {
            out.put("content", text.toString());
        } else {
            out.putNull("content");
        }
        if (!toolCalls.isEmpty()) {
            out.set("tool_calls", toolCalls);
        }
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason(message.path("stop_reason").asText(null)));
        Usage usage = usage(message.get("usage"));
        if (usage != null) {
            completion.set("usage", usage.toJson());
        }
        return completion;
    }

    /**
     * Anthropic's {@code stop_reason} as an OpenAI {@code finish_reason}: {@code end_turn},
     * {@code stop_sequence} and {@code pause_turn} are {@code stop}; {@code max_tokens} and
     * {@code model_context_window_exceeded} are {@code length}; {@code tool_use} is {@code tool_calls};
     * {@code refusal} is {@code content_filter}. Null stays null (the stream has not finished).
     */
    public static String finishReason(String stopReason) {
        if (stopReason == null) {
            return null;
        }
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> "length";
            case "tool_use" -> "tool_calls";
            case "refusal" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Anthropic's usage as OpenAI's. Anthropic counts cached input apart from {@code input_tokens}; OpenAI's
     * {@code prompt_tokens} includes it. So {@code prompt_tokens} = {@code input_tokens} +
     * {@code cache_read_input_tokens} + {@code cache_creation_input_tokens};
     * {@code prompt_tokens_details.cached_tokens} = {@code cache_read_input_tokens};
     * {@code completion_tokens} = {@code output_tokens}. Null when there is no usage object.
     */
    public static Usage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        return usage(usage.path("input_tokens").asLong(0), usage.path("cache_read_input_tokens").asLong(0),
                usage.path("cache_creation_input_tokens").asLong(0), usage.path("output_tokens").asLong(0));
    }

    static Usage usage(long input, long cacheRead, long cacheCreation, long output) {
        return new Usage(input + cacheRead + cacheCreation, output, cacheRead, false);
    }
}
