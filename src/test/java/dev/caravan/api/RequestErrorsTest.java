package dev.caravan.api;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad requests get OpenAI-shaped errors with the right status, naming the field at fault. */
class RequestErrorsTest extends GatewayTestSupport {

    @Test
    void malformedJsonIs400() {
        HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"demo\",");
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText()).contains("could not parse the JSON body");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void emptyBodyAndNonObjectBodyAre400() {
        assertThat(postJson("/v1/chat/completions", "").statusCode()).isEqualTo(400);
        HttpResponse<String> array = postJson("/v1/chat/completions", "[1,2]");
        assertThat(array.statusCode()).isEqualTo(400);
        error(array);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}                       | model",
        "{\"model\":7,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}           | model",
        "{\"model\":\"demo\"}                                                          | messages",
        "{\"model\":\"demo\",\"messages\":\"hi\"}                                      | messages",
        "{\"model\":\"demo\",\"messages\":[]}                                          | messages",
        "{\"model\":\"demo\",\"messages\":[\"hi\"]}                                    | messages[0]",
        "{\"model\":\"demo\",\"messages\":[{\"content\":\"hi\"}]}                      | messages[0].role",
        "{\"model\":\"demo\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}  | messages[0].role",
        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":5}]}         | messages[0].content",
        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\"}]}                       | messages[0].content",
        "{\"model\":\"demo\",\"stream\":\"yes\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}  | stream",
        "{\"model\":\"demo\",\"temperature\":\"hot\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | temperature",
        "{\"model\":\"demo\",\"temperature\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}   | temperature",
        "{\"model\":\"demo\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}    | max_tokens",
        "{\"model\":\"demo\",\"n\":1.5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}           | n",
        "{\"model\":\"demo\",\"stream_options\":{\"include_usage\":true},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | stream_options",
    })
    void missingOrMistypedFieldsAre400NamingTheField(String body, String param) {
        HttpResponse<String> response = postJson("/v1/chat/completions", body);
        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("param").asText()).isEqualTo(param);
    }

    @Test
    void unknownModelIs404ModelNotFound() {
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"gpt-99\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).get("code").asText()).isEqualTo("model_not_found");

        HttpResponse<String> unknownProvider = postJson("/v1/chat/completions",
                "{\"model\":\"nowhere/some-model\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(unknownProvider.statusCode()).isEqualTo(404);

        // a provider without its key is not offered, so its models are not found either
        HttpResponse<String> unconfigured = postJson("/v1/chat/completions",
                "{\"model\":\"groq/llama-3.3-70b-versatile\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(unconfigured.statusCode()).isEqualTo(404);
        assertThat(error(unconfigured).get("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void oversizedBodyIs413() {
        String big = "x".repeat(300 * 1024);
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + big + "\"}]}");
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(error(response).get("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void oversizedChunkedBodyIs413() {
        byte[] big = ("{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "y".repeat(300 * 1024) + "\"}]}")
                .getBytes();
        // a publisher of unknown length makes the client send the body chunked, without Content-Length
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build());
        assertThat(response.statusCode()).isEqualTo(413);
        error(response);
    }

    @Test
    void unknownPathAndWrongMethodAreOpenAiShaped() {
        HttpResponse<String> unknown = postJson("/v1/nothing-here", "{}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(error(unknown).get("code").asText()).isEqualTo("unknown_url");

        HttpResponse<String> wrongMethod = get("/v1/chat/completions");
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        error(wrongMethod);
    }

    @Test
    void clientRequestIdIsEchoedAndUnsafeOnesAreReplaced() {
        HttpResponse<String> echoed = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("x-request-id", "abc-123")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(echoed.headers().firstValue("x-request-id")).contains("abc-123");

        HttpResponse<String> replaced = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("x-request-id", "bad id with spaces <script>")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertThat(replaced.headers().firstValue("x-request-id")).hasValueSatisfying(id -> assertThat(id).startsWith("req_"));
    }
}
