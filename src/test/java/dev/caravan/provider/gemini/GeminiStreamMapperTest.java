package dev.caravan.provider.gemini;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.Usage;
import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.TranslatedEvents;
import dev.caravan.provider.UpstreamStreamException;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Gemini event streams from fixtures, read through the chunk stream, against the OpenAI chunks expected. */
class GeminiStreamMapperTest {

    private static final long CREATED = 1_700_000_000L;

    private static TranslatedEvents stream(String sse) {
        return new TranslatedEvents(sse, new GeminiStreamTranslator(new GeminiStreamMapper("gemini-test", "chatcmpl-x", CREATED)));
    }

    private static List<StreamChunk> readAll(TranslatedEvents stream) throws IOException {
        return stream.readAll();
    }

    private static List<JsonNode> json(List<StreamChunk> chunks) {
        return chunks.stream().map(c -> JsonFixtures.normalized(c.json())).toList();
    }

    @Test
    void textStreamEndsWithTheUsageChunk() throws IOException {
        List<StreamChunk> chunks = readAll(stream(JsonFixtures.text("gemini/stream-text.sse")));

        assertThat(json(chunks)).containsExactlyElementsOf(JsonFixtures.jsonLines("gemini/stream-text.chunks.jsonl"));
        StreamChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.hasChoices()).isFalse();
        assertThat(last.usage()).isEqualTo(new Usage(10, 6, 0, false));
    }

    @Test
    void crlfSeparatedEventsAsGeminiSendsThem() throws IOException {
        String crlf = JsonFixtures.text("gemini/stream-text.sse").replace("\n", "\r\n");
        assertThat(json(readAll(stream(crlf)))).containsExactlyElementsOf(JsonFixtures.jsonLines("gemini/stream-text.chunks.jsonl"));
    }

    @Test
    void parallelFunctionCallsArriveWholeInOneChunk() throws IOException {
        List<StreamChunk> chunks = readAll(stream(JsonFixtures.text("gemini/stream-function-calls.sse")));
        assertThat(json(chunks)).containsExactlyElementsOf(JsonFixtures.jsonLines("gemini/stream-function-calls.chunks.jsonl"));
    }

    @Test
    void theDeltaThatIntroducesASignedCallCarriesItsThoughtSignature() throws IOException {
        List<JsonNode> chunks = json(readAll(stream(JsonFixtures.text("gemini/stream-thought-signature.sse"))));
        assertThat(chunks).containsExactlyElementsOf(JsonFixtures.jsonLines("gemini/stream-thought-signature.chunks.jsonl"));
        assertThat(chunks.get(0).at("/choices/0/delta/tool_calls/0/extra_content/google/thought_signature").asText())
                .isEqualTo("CiQBcsjafPx3Zsig-S1g==");
        assertThat(chunks.get(1).at("/choices/0/delta/tool_calls/0").has("extra_content")).isFalse();
    }

    @Test
    void anErrorInTheStreamIsThrownAfterTheChunksBeforeIt() throws IOException {
        TranslatedEvents stream = stream(JsonFixtures.text("gemini/stream-error.sse"));
        assertThat(JsonFixtures.normalized(stream.next().json()).at("/choices/0/delta/content").asText()).isEqualTo("Once");
        assertThatThrownBy(stream::next).isInstanceOfSatisfying(UpstreamStreamException.class, e -> {
            assertThat(e.error().message()).isEqualTo("The model is overloaded. Please try again later.");
            assertThat(e.error().code()).isEqualTo("unavailable");
        });
    }

    @Test
    void aStreamThatEndsBeforeAnyFinishReasonBrokeOff() throws IOException {
        String text = JsonFixtures.text("gemini/stream-text.sse");
        TranslatedEvents stream = stream(text.substring(0, text.indexOf("data:", 10)));
        assertThat(stream.next()).isNotNull();
        assertThatThrownBy(stream::next).isInstanceOf(IOException.class)
                .isNotInstanceOf(UpstreamStreamException.class).hasMessageContaining("finish reason");
    }

    @Test
    void aBlockedPromptEndsTheStreamWithContentFilter() throws IOException {
        List<StreamChunk> chunks = readAll(stream("data: " + JsonFixtures.text("gemini/response-blocked.gemini.json")
                .replace("\n", " ") + "\n\n"));
        assertThat(JsonFixtures.normalized(chunks.get(0).json()).at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(chunks.get(1).usage()).isEqualTo(new Usage(9, 0, 0, false));
    }

    @Test
    void eachCandidateStreamsAsItsOwnChoice() throws IOException {
        GeminiStreamMapper mapper = new GeminiStreamMapper("m", "id", CREATED);
        List<StreamChunk> chunks = mapper.map(JsonFixtures.json("gemini/response-two-candidates.gemini.json"));
        JsonNode chunk = JsonFixtures.normalized(chunks.get(0).json());
        assertThat(chunk.at("/choices/0/delta/content").asText()).isEqualTo("Purr.");
        assertThat(chunk.at("/choices/1/index").asInt()).isEqualTo(1);
        assertThat(chunk.at("/choices/1/finish_reason").asText()).isEqualTo("length");
        assertThat(mapper.finished()).isTrue();
    }
}
