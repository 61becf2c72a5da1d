package dev.caravan.provider.anthropic;

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

/** Anthropic event streams from fixtures, read through the chunk stream, against the OpenAI chunks expected. */
class AnthropicStreamMapperTest {

    private static final long CREATED = 1_700_000_000L;

    private static TranslatedEvents stream(String fixture) {
        return new TranslatedEvents(JsonFixtures.text(fixture),
                new AnthropicStreamTranslator(new AnthropicStreamMapper("claude-test", CREATED)));
    }

    private static List<StreamChunk> readAll(TranslatedEvents stream) throws IOException {
        return stream.readAll();
    }

    private static List<JsonNode> json(List<StreamChunk> chunks) {
        return chunks.stream().map(c -> JsonFixtures.normalized(c.json())).toList();
    }

    @Test
    void textStreamWithFinalUsageChunk() throws IOException {
        List<StreamChunk> chunks = readAll(stream("anthropic/stream-text.sse"));

        assertThat(json(chunks)).containsExactlyElementsOf(JsonFixtures.jsonLines("anthropic/stream-text.chunks.jsonl"));
        StreamChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.hasChoices()).isFalse();
        assertThat(last.usage()).isEqualTo(new Usage(40, 15, 10, false));
        assertThat(chunks.subList(0, chunks.size() - 1)).allMatch(c -> c.hasChoices() && c.usage() == null);
    }

    @Test
    void streamedParallelToolCallsWithInputJsonDeltas() throws IOException {
        List<StreamChunk> chunks = readAll(stream("anthropic/stream-tools.sse"));

        assertThat(json(chunks)).containsExactlyElementsOf(JsonFixtures.jsonLines("anthropic/stream-tools.chunks.jsonl"));
        // the argument pieces join up to the tool's input
        StringBuilder arguments = new StringBuilder();
        for (JsonNode chunk : json(chunks)) {
            JsonNode call = chunk.at("/choices/0/delta/tool_calls/0");
            if (call.path("index").asInt(-1) == 0) {
                arguments.append(call.at("/function/arguments").asText());
            }
        }
        assertThat(JsonFixtures.parse(arguments.toString())).isEqualTo(JsonFixtures.parse("{\"location\":\"Paris, France\"}"));
    }

    @Test
    void anErrorEventMidStreamIsThrownAfterTheChunksBeforeIt() throws IOException {
        TranslatedEvents stream = stream("anthropic/stream-error.sse");
        assertThat(JsonFixtures.normalized(stream.next().json()).at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(JsonFixtures.normalized(stream.next().json()).at("/choices/0/delta/content").asText()).isEqualTo("Once upon");
        assertThatThrownBy(stream::next).isInstanceOfSatisfying(UpstreamStreamException.class, e -> {
            assertThat(e.error().type()).isEqualTo("api_error");
            assertThat(e.error().code()).isEqualTo("overloaded_error");
            assertThat(e.error().message()).isEqualTo("Overloaded");
        });
    }

    @Test
    void aStreamThatEndsBeforeMessageStopBrokeOff() throws IOException {
        String text = JsonFixtures.text("anthropic/stream-text.sse");
        String truncated = text.substring(0, text.indexOf("event: message_delta"));
        TranslatedEvents stream = new TranslatedEvents(truncated,
                new AnthropicStreamTranslator(new AnthropicStreamMapper("m", CREATED)));
        assertThat(stream.next()).isNotNull();
        assertThat(stream.next()).isNotNull();
        assertThat(stream.next()).isNotNull();
        assertThatThrownBy(stream::next).isInstanceOf(IOException.class)
                .isNotInstanceOf(UpstreamStreamException.class).hasMessageContaining("message_stop");
    }

    @Test
    void eventsAreMappedOneAtATime() throws IOException {
        AnthropicStreamMapper mapper = new AnthropicStreamMapper("claude-test", CREATED);
        assertThat(mapper.map(JsonFixtures.parse("{\"type\":\"ping\"}"))).isEmpty();
        assertThat(mapper.map(JsonFixtures.parse("{\"type\":\"content_block_stop\",\"index\":0}"))).isEmpty();
        assertThat(mapper.map(JsonFixtures.parse(
                "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hm\"}}"))).isEmpty();
        assertThat(mapper.finished()).isFalse();
        assertThat(mapper.map(JsonFixtures.parse("{\"type\":\"message_stop\"}"))).hasSize(1);
        assertThat(mapper.finished()).isTrue();
    }
}
