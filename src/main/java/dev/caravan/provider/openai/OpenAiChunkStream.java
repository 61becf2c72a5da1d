package dev.caravan.provider.openai;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.SseEvent;
import dev.caravan.openai.SseEventReader;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.UpstreamResponses;
import dev.caravan.provider.UpstreamStreamException;

/**
 * An OpenAI-compatible provider's SSE stream, passed on chunk by chunk with the provider's own bytes. Only
 * chunks that mention usage or an error are parsed.
 */
final class OpenAiChunkStream implements ChunkStream {

    private final InputStream upstream;
    private final SseEventReader reader;
    private StreamChunk pushedBack;
    private boolean finished;

    OpenAiChunkStream(InputStream upstream) {
        this.upstream = upstream;
        this.reader = new SseEventReader(upstream);
    }

    /** Reads the first chunk now (so an early error can still fail over) and keeps it for {@link #next()}. */
    StreamChunk peek() throws IOException {
        if (pushedBack == null) {
            pushedBack = next();
        }
        return pushedBack;
    }

    @Override
    public StreamChunk next() throws IOException {
        if (pushedBack != null) {
            StreamChunk chunk = pushedBack;
            pushedBack = null;
            return chunk;
        }
        SseEvent event;
        while ((event = reader.next()) != null) {
            String data = event.data();
            if (data.isBlank()) {
                continue;
            }
            if ("[DONE]".equals(data.strip())) {
                return null;
            }
            boolean mentionsError = data.contains("\"error\"") || "error".equals(event.event());
            boolean mayFinish = data.contains("\"finish_reason\"") && !data.contains("\"finish_reason\":null");
            if (!mentionsError && !mayFinish && !hasUsage(data)) {
                return new StreamChunk(data.getBytes(StandardCharsets.UTF_8), null, true);
            }
            JsonNode node = Json.read(data.getBytes(StandardCharsets.UTF_8));
            if (mentionsError && node.has("error") && !node.has("choices")) {
                throw new UpstreamStreamException(UpstreamResponses.redacted(
                        OpenAiError.fromProvider(502, node, "the provider ended the stream with an error")));
            }
            JsonNode choices = node.get("choices");
            boolean hasChoices = choices != null && choices.isArray() && !choices.isEmpty();
            if (hasChoices) {
                for (JsonNode choice : choices) {
                    finished |= choice.hasNonNull("finish_reason");
                }
            }
            return new StreamChunk(data.getBytes(StandardCharsets.UTF_8), Usage.fromJson(node.get("usage")), hasChoices);
        }
        if (!finished) {
            // the connection ended cleanly but the answer did not: neither [DONE] nor a finish_reason came
            throw new IOException("stream ended before the answer was finished");
        }
        return null;
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

    @Override
    public void abort() {
        UpstreamResponses.drop(upstream);
    }

    @Override
    public void close() throws IOException {
        upstream.close();
    }
}
