package dev.caravan.cache;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Usage;
import dev.caravan.provider.StreamChunk;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A cached answer converted between a stream and a completion, both ways, and stored and read back. */
class StreamConversionTest {

    private static List<StreamChunk> chunks(String... json) {
        List<StreamChunk> chunks = new ArrayList<>();
        for (String chunk : json) {
            chunks.add(new StreamChunk(chunk.getBytes(StandardCharsets.UTF_8), null, true));
        }
        return chunks;
    }

    private static final String ENV = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":";

    @Test
    void interleavedChoicesAndToolCallsWhoseIdsAreRepeatedAreAssembledByIndex() throws Exception {
        ObjectNode completion = StreamCompletion.of(chunks(
                ENV + "[{\"index\":1,\"delta\":{\"role\":\"assistant\",\"content\":\"B\"},\"finish_reason\":null},"
                        + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"refusal\":\"No\"},\"finish_reason\":null}]}",
                ENV + "[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\"\"}}]}}]}",
                // some providers repeat the id, type and name on every piece of a tool call
                ENV + "[{\"index\":1,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"t1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"f\",\"arguments\":\":1}\"}}]}}]}",
                ENV + "[{\"index\":0,\"delta\":{\"refusal\":\"pe.\",\"function_call\":{\"name\":\"old\",\"arguments\":\"{\"}}}]}",
                ENV + "[{\"index\":0,\"delta\":{\"function_call\":{\"arguments\":\"}\"}},\"finish_reason\":\"stop\"},"
                        + "{\"index\":1,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
                ENV + "[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}"));

        assertThat(completion).isEqualTo(JsonFixtures.parse("{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,"
                + "\"model\":\"m\",\"choices\":["
                + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"Nope.\","
                + "\"function_call\":{\"name\":\"old\",\"arguments\":\"{}\"}},\"logprobs\":null,\"finish_reason\":\"stop\"},"
                + "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"B\",\"tool_calls\":[{\"id\":\"t1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]},"
                + "\"logprobs\":null,\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7}}"));
    }

    @Test
    void aCompletionBecomesChunksThatAssembleIntoTheSameCompletion() throws Exception {
        ObjectNode completion = (ObjectNode) JsonFixtures.parse(CacheFixtures.completion("Two\\nlines \\u00e9"));
        ((ObjectNode) completion.withArray("choices").get(0)).put("index", 0);
        completion.withArray("choices").add(JsonFixtures.parse("{\"index\":1,\"message\":{\"role\":\"assistant\","
                + "\"content\":\"Other\",\"refusal\":null,\"annotations\":[{\"type\":\"url_citation\"}]},"
                + "\"logprobs\":null,\"finish_reason\":\"length\"}"));

        List<StreamChunk> chunks = CompletionChunks.of(completion);

        assertThat(chunks).hasSize(2);
        assertThat(chunks.get(0).hasChoices()).isTrue();
        assertThat(chunks.get(1).hasChoices()).isFalse();
        assertThat(chunks.get(1).usage()).isEqualTo(new Usage(11, 7, 0, false));
        JsonNode first = JsonFixtures.parse(new String(chunks.get(0).json(), StandardCharsets.UTF_8));
        assertThat(first.at("/choices/0/delta/tool_calls/0/index").asInt()).isZero();
        assertThat(first.get("system_fingerprint").asText()).isEqualTo("fp_json");
        assertThat(StreamCompletion.of(chunks)).isEqualTo(completion);
    }

    @Test
    void anEntryIsReadBackAsStored() throws Exception {
        List<StreamChunk> parts = List.of(
                new StreamChunk("{\"a\":1}".getBytes(StandardCharsets.UTF_8), null, true),
                new StreamChunk("{\"u\":2}".getBytes(StandardCharsets.UTF_8), new Usage(1, 2, 3, false), false));
        CacheEntry read = CacheEntry.decode(new CacheEntry(true, "groq", "llama", parts).encode());

        assertThat(read.stream()).isTrue();
        assertThat(read.provider()).isEqualTo("groq");
        assertThat(read.model()).isEqualTo("llama");
        assertThat(read.parts()).hasSize(2);
        assertThat(read.parts().get(0).json()).isEqualTo(parts.get(0).json());
        assertThat(read.parts().get(0).usage()).isNull();
        assertThat(read.parts().get(1).usage()).isEqualTo(new Usage(1, 2, 3, false));
        assertThat(read.parts().get(1).hasChoices()).isFalse();
        CacheEntry json = CacheEntry.decode(CacheEntry.completion(null, null, "{}".getBytes(StandardCharsets.UTF_8)).encode());
        assertThat(json.stream()).isFalse();
        assertThat(json.provider()).isNull();
        assertThat(new String(json.json(), StandardCharsets.UTF_8)).isEqualTo("{}");
    }
}
