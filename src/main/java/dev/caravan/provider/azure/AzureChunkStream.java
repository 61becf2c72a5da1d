package dev.caravan.provider.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.Json;
import dev.caravan.provider.ChunkStream;
import dev.caravan.provider.StreamChunk;

/**
 * An Azure OpenAI stream as OpenAI would send it. Azure opens a stream with a chunk of its own that carries
 * only {@code prompt_filter_results} (no choices, no usage, an empty id and object), which strict OpenAI
 * clients cannot read; that chunk is left out. Everything else passes as Azure sent it.
 */
final class AzureChunkStream implements ChunkStream {

    private static final byte[] MARKER = "\"prompt_filter_results\"".getBytes(StandardCharsets.US_ASCII);

    private final ChunkStream azure;

    AzureChunkStream(ChunkStream azure) {
        this.azure = azure;
    }

    @Override
    public StreamChunk next() throws IOException {
        StreamChunk chunk;
        while ((chunk = azure.next()) != null && isPromptFilterOnly(chunk)) {
            // skipped: Azure's own annotation of the prompt
        }
        return chunk;
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

    @Override
    public void abort() {
        azure.abort();
    }

    @Override
    public void close() throws IOException {
        azure.close();
    }
}
