package dev.caravan.provider.azure;

import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The Azure OpenAI adapter end to end against a stub speaking Azure's deployment-based API. */
class AzureRouteTest extends GatewayTestSupport {

    private static final String CHAT = "/azure/openai/deployments/caravan-gpt4o/chat/completions?api-version=2024-10-21";

    private static void azureAnswers(String url, int status, String contentType, String body) {
        STUB.stubFor(WireMock.post(urlEqualTo(url)).willReturn(aResponse().withStatus(status)
                .withHeader("Content-Type", contentType).withBody(body)));
    }

    @Test
    void completionGoesToTheDeploymentWithApiVersionAndApiKey() {
        azureAnswers(CHAT, 200, "application/json", JsonFixtures.text("azure/chat-completion.azure.json"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"stub-azure/gpt-4o-test\",\"temperature\":0.3,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");

        assertThat(response.statusCode()).isEqualTo(200);
        STUB.verify(postRequestedFor(urlEqualTo(CHAT))
                .withHeader("api-key", equalTo("azure-test-key-0123456789"))
                .withHeader("Authorization", absent())
                .withRequestBody(equalToJson("{\"temperature\":0.3,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}")));
        JsonNode completion = json(response.body());
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Hello from Azure.");
        assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(15);
        assertThat(response.headers().firstValue("x-caravan-model")).hasValue("gpt-4o-test");
    }

    @Test
    void streamAsksForUsageAndLeavesOutAzuresPromptFilterChunk() {
        azureAnswers(CHAT, 200, "text/event-stream", JsonFixtures.text("azure/stream.azure.sse"));

        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"stub-azure/gpt-4o-test\",\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");

        STUB.verify(postRequestedFor(urlEqualTo(CHAT)).withRequestBody(equalToJson("{\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}")));
        List<String> events = JsonFixtures.dataEvents(response.body());
        assertThat(events).hasSize(5).endsWith("[DONE]");
        assertThat(events).noneMatch(e -> e.contains("prompt_filter_results"));
        assertThat(json(events.get(1)).at("/choices/0/delta/content").asText()).isEqualTo("Hi!");
        assertThat(json(events.get(3)).at("/usage/total_tokens").asInt()).isEqualTo(11);
    }

    @Test
    void embeddingsGoToTheEmbeddingsDeployment() {
        azureAnswers("/azure/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21", 200,
                "application/json", JsonFixtures.text("azure/embeddings.azure.json"));

        HttpResponse<String> response = postJson("/v1/embeddings", "{\"model\":\"stub-azure/text-embedding-3-small\",\"input\":\"hi\"}");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(json(response.body()).at("/data/0/embedding/0").asDouble()).isEqualTo(0.0023064255);
    }

    @Test
    void azuresContentFilterRejectionReachesTheClientAsA400() {
        azureAnswers(CHAT, 400, "application/json", JsonFixtures.text("azure/error-content-filter.azure.json"));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"stub-azure/gpt-4o-test\",\"messages\":[{\"role\":\"user\",\"content\":\"something bad\"}]}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.get("code").asText()).isEqualTo("content_filter");
        assertThat(error.get("param").asText()).isEqualTo("prompt");
    }

}
