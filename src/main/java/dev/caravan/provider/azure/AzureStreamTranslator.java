package dev.caravan.provider.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.SseEvent;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.openai.OpenAiStreamTranslator;

/**
 * An Azure OpenAI stream as OpenAI would send it. Azure opens a stream with a chunk of its own that carries
 * only {@code prompt_filter_results} (no choices, no usage, an empty id and object), which strict OpenAI
 * clients cannot read; that chunk is left out. Everything else passes as Azure sent it.
 */
final class AzureStreamTranslator extends OpenAiStreamTranslator {

    private static final byte[] MARKER = "\"prompt_filter_results\"".getBytes(StandardCharsets.US_ASCII);

    @Override
    public List<StreamChunk> onEvent(SseEvent event) throws IOException {
        List<StreamChunk> chunks = super.onEvent(event);
        return chunks.size() == 1 && isPromptFilterOnly(chunks.get(0)) ? List.of() : chunks;
    }

    /** Only chunks that mention prompt filtering are parsed; the others pass untouched. */
    static boolean isPromptFilterOnly(StreamChunk chunk) throws IOException {
        if (chunk.usage() != null || indexOf(chunk.json(), MARKER) < 0) {
            return false;
        }
        JsonNode json = Json.read(chunk.json());
        return json.path("choices").isEmpty() && !json.hasNonNull("usage");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
