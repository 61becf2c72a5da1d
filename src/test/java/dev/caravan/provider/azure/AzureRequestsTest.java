package dev.caravan.provider.azure;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.Operation;
import dev.caravan.provider.TranslatedEvents;
import dev.caravan.provider.StreamChunk;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What changes on the way to Azure OpenAI: deployment, path, api-version and body. */
class AzureRequestsTest {

    @Test
    void theDeploymentIsTheModelUnlessMapped() {
        assertThat(AzureRequests.deployment("gpt-4o", "")).isEqualTo("gpt-4o");
        assertThat(AzureRequests.deployment("gpt-4o", null)).isEqualTo("gpt-4o");
        assertThat(AzureRequests.deployment("gpt-4o", "gpt-4o-mini=mini, gpt-4o = prod-4o")).isEqualTo("prod-4o");
        assertThat(AzureRequests.deployment("o3", "gpt-4o=prod-4o")).isEqualTo("o3");
    }

    @Test
    void pathsAndQuery() {
        assertThat(AzureRequests.path("prod-4o", Operation.CHAT)).isEqualTo("/openai/deployments/prod-4o/chat/completions");
        assertThat(AzureRequests.path("embed", Operation.EMBEDDINGS)).isEqualTo("/openai/deployments/embed/embeddings");
        assertThat(AzureRequests.query("2024-10-21")).isEqualTo("api-version=2024-10-21");
    }

    @Test
    void theBodyLosesItsModelAndStreamsAskForUsage() {
        ObjectNode client = (ObjectNode) JsonFixtures.parse("{\"model\":\"azure/gpt-4o\",\"stream\":true,\"temperature\":0.2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        ObjectNode before = client.deepCopy();

        ObjectNode body = AzureRequests.body(client, true);

        assertThat(body).isEqualTo(JsonFixtures.parse("{\"stream\":true,\"temperature\":0.2,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream_options\":{\"include_usage\":true}}"));
        assertThat(client).isEqualTo(before);
        assertThat(AzureRequests.body(client, false).has("stream_options")).isFalse();
    }

    @Test
    void azuresPromptFilterOnlyChunkIsLeftOutOfStreams() throws IOException {
        List<String> events = JsonFixtures.dataEvents(JsonFixtures.text("azure/stream.azure.sse"));
        StringBuilder sse = new StringBuilder();
        for (String event : events) {
            sse.append("data: ").append(event).append("\n\n");
        }
        TranslatedEvents stream = new TranslatedEvents(sse.toString(), new AzureStreamTranslator());

        StreamChunk first = stream.next();
        assertThat(JsonFixtures.parse(new String(first.json(), StandardCharsets.UTF_8)).at("/choices/0/delta/role").asText())
                .isEqualTo("assistant");
        int rest = 0;
        while (stream.next() != null) {
            rest++;
        }
        // the content chunks, the finish chunk and the usage chunk (choices [] but with usage) all pass
        assertThat(rest).isEqualTo(3);
    }
}
