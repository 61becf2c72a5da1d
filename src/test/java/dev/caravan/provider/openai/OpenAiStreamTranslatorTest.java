package dev.caravan.provider.openai;

import java.nio.charset.StandardCharsets;

import dev.caravan.provider.StreamChunk;
import dev.caravan.provider.TranslatedEvents;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** OpenAI's stream with include_usage: "usage":null on every chunk, the real usage only on the last one. */
class OpenAiStreamTranslatorTest {

    private static final String STREAM = """
            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"say \\"usage\\": 42"},"finish_reason":null}],"usage": null}

            data: {"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

            data: {"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":4,"total_tokens":13}}

            data: [DONE]

            """;

    @Test
    void onlyTheChunkWithAUsageValueCarriesUsage() throws Exception {
        TranslatedEvents chunks = new TranslatedEvents(STREAM, new OpenAiStreamTranslator());
        StreamChunk role = chunks.next();
        StreamChunk text = chunks.next();
        StreamChunk finish = chunks.next();
        StreamChunk usage = chunks.next();
        assertThat(role.usage()).isNull();
        assertThat(text.usage()).isNull();
        assertThat(new String(text.json(), StandardCharsets.UTF_8)).contains("say \\\"usage\\\": 42");
        assertThat(finish.usage()).isNull();
        assertThat(usage.hasChoices()).isFalse();
        assertThat(usage.usage().promptTokens()).isEqualTo(9);
        assertThat(usage.usage().completionTokens()).isEqualTo(4);
        assertThat(chunks.next()).isNull();
    }

    @Test
    void usageIsRecognisedWhateverTheSpacing() {
        assertThat(OpenAiStreamTranslator.hasUsage("{\"usage\":null}")).isFalse();
        assertThat(OpenAiStreamTranslator.hasUsage("{\"usage\" :  null}")).isFalse();
        assertThat(OpenAiStreamTranslator.hasUsage("{\"x\":\"\\\"usage\\\": 1\",\"usage\":null}")).isFalse();
        assertThat(OpenAiStreamTranslator.hasUsage("{\"usage\": {\"prompt_tokens\":1}}")).isTrue();
        assertThat(OpenAiStreamTranslator.hasUsage("{\"usage\":null,\"usage\":{}}")).isTrue();
        assertThat(OpenAiStreamTranslator.hasUsage("{\"choices\":[]}")).isFalse();
    }
}
