package dev.caravan.provider.openai;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.SseEvent;
import dev.caravan.openai.Usage;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.UpstreamResponses;
import dev.caravan.provider.UpstreamStreamException;

/**
 * An OpenAI-compatible provider's stream, passed on chunk by chunk with the provider's own bytes. Only chunks
 * that mention usage, a finish or an error are parsed.
 */
public class OpenAiStreamTranslator implements StreamTranslator {

    private boolean answered;
    private boolean done;

    @Override
    public List<StreamChunk> onEvent(SseEvent event) throws IOException {
        String data = event.data();
        if (data.isBlank()) {
            return List.of();
        }
        if ("[DONE]".equals(data.strip())) {
            done = true;
            return List.of();
        }
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        boolean mentionsError = data.contains("\"error\"") || "error".equals(event.event());
        boolean mayFinish = data.contains("\"finish_reason\"") && !data.contains("\"finish_reason\":null");
        if (!mentionsError && !mayFinish && !hasUsage(data)) {
            return List.of(new StreamChunk(bytes, null, true));
        }
        JsonNode node = Json.read(bytes);
        if (mentionsError && node.has("error") && !node.has("choices")) {
            throw new UpstreamStreamException(UpstreamResponses.redacted(
                    OpenAiError.fromProvider(502, node, "the provider ended the stream with an error")));
        }
        JsonNode choices = node.get("choices");
        boolean hasChoices = choices != null && choices.isArray() && !choices.isEmpty();
        if (hasChoices) {
            for (JsonNode choice : choices) {
                answered |= choice.hasNonNull("finish_reason");
            }
        }
        return List.of(new StreamChunk(bytes, Usage.fromJson(node.get("usage")), hasChoices));
    }

    @Override
    public boolean finished() {
        return done;
    }

    /** A stream that closed without {@code [DONE]} is whole only if every choice reported its finish. */
    @Override
    public List<StreamChunk> onClose() throws IOException {
        if (!answered) {
            throw new IOException("stream ended before the answer was finished");
        }
        return List.of();
    }

    /**
     * Whether a chunk carries a usage object. With {@code include_usage} OpenAI writes {@code "usage":null} on
     * every content chunk; only the last one has a value, so only that one needs parsing. A {@code "usage"}
     * inside generated text is escaped ({@code \"usage\"}), so a match is always the field.
     */
    static boolean hasUsage(String data) {
        int at = data.indexOf("\"usage\"");
        while (at >= 0) {
            int i = at + 7;
            while (i < data.length() && (data.charAt(i) == ':' || Character.isWhitespace(data.charAt(i)))) {
                i++;
            }
            if (!data.startsWith("null", i)) {
                return true;
            }
            at = data.indexOf("\"usage\"", i);
        }
        return false;
    }
}
