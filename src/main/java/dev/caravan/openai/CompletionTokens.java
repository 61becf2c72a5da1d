package dev.caravan.openai;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Counts generated tokens from what a provider sent, for answers that carry no usage (a provider that omits
 * it, or a stream cut short): the text of message contents, refusals and tool call arguments.
 */
public final class CompletionTokens {

    private CompletionTokens() {
    }

    /** Tokens of a {@code chat.completion} body's choices. */
    public static long ofCompletion(JsonNode completion) {
        long tokens = 0;
        for (JsonNode choice : completion.path("choices")) {
            tokens += ofMessage(choice.path("message"));
        }
        return tokens;
    }

    /** Tokens of the deltas of the given {@code chat.completion.chunk} bodies. */
    public static long ofChunks(List<byte[]> chunks) {
        StringBuilder text = new StringBuilder();
        for (byte[] chunk : chunks) {
            try {
                for (JsonNode choice : Json.read(chunk).path("choices")) {
                    appendText(choice.path("delta"), text);
                }
            } catch (IOException e) {
                // a chunk we cannot read adds nothing
            }
        }
        return TokenCounter.count(text.toString());
    }

    private static long ofMessage(JsonNode message) {
        StringBuilder text = new StringBuilder();
        appendText(message, text);
        return TokenCounter.count(text.toString());
    }

    private static void appendText(JsonNode message, StringBuilder text) {
        text.append(message.path("content").asText(""));
        text.append(message.path("refusal").asText(""));
        for (JsonNode call : message.path("tool_calls")) {
            text.append(call.path("function").path("name").asText(""));
            text.append(call.path("function").path("arguments").asText(""));
        }
    }
}
