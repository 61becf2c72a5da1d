package dev.caravan.ops;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/** Profiles are YAML routes in a watched folder: edits apply while running; a broken edit keeps the old routes. */
class RouteReloadTest extends GatewayTestSupport {

    private static final String CHAT = "{\"model\":\"reloaded\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    private final Path file = TEST_ROUTES.resolve("reload-test.yaml");

    private static String profileUsing(String provider) {
        return """
                - route:
                    id: profile-reloaded
                    routeConfigurationId: caravan-defaults
                    from:
                      uri: direct:profile-reloaded
                      steps:
                        - loadBalance:
                            failoverLoadBalancer: {}
                            steps:
                              - to: provider:%s
                """.formatted(provider);
    }

    private final Path providerFile = TEST_ROUTES.resolve("reload-provider-test.yaml");

    /** A provider instance (a templated route) at the stub's {@code path}, and a profile that uses it. */
    private static String providerAt(String path) {
        return """
                - templatedRoute:
                    routeTemplateRef: openai-compatible
                    routeId: provider-stub-reloaded
                    parameters:
                      - name: name
                        value: stub-reloaded
                      - name: baseUrl
                        value: "{{stub.url}}/%s/v1"
                      - name: apiKey
                        value: sk-test-reloaded-0123456789
                      - name: model
                        value: model-r
                - route:
                    id: profile-reloaded-provider
                    routeConfigurationId: caravan-defaults
                    from:
                      uri: direct:profile-reloaded-provider
                      steps:
                        - to: provider:stub-reloaded
                """.formatted(path);
    }

    @AfterEach
    void removeFile() throws Exception {
        Files.deleteIfExists(file);
        Files.deleteIfExists(providerFile);
    }

    @Test
    void addedAndEditedProviderIsLiveWithoutRestart() throws Exception {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-r", "from a"))));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-r", "from b"))));
        String chat = "{\"model\":\"reloaded-provider\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

        // a new file with a provider instance: Camel's reload alone would load its profile but not the provider
        Files.writeString(providerFile, providerAt("a"));
        HttpResponse<String> added = waitFor(() -> postJson("/v1/chat/completions", chat), r -> r.statusCode() == 200);
        assertThat(added.headers().firstValue("x-caravan-provider")).contains("stub-reloaded");
        assertThat(json(added.body()).at("/choices/0/message/content").asText()).isEqualTo("from a");

        // the provider's base URL edited: the running instance is replaced
        Files.writeString(providerFile, providerAt("b"));
        HttpResponse<String> edited = waitFor(() -> postJson("/v1/chat/completions", chat),
                r -> r.statusCode() == 200 && json(r.body()).at("/choices/0/message/content").asText().equals("from b"));
        assertThat(edited.headers().firstValue("x-caravan-provider")).contains("stub-reloaded");
    }

    @Test
    void addedAndEditedProfileIsLiveWithoutRestartAndABrokenEditKeepsTheOldRoute() throws Exception {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "a"))));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b", "b"))));
        assertThat(postJson("/v1/chat/completions", CHAT).statusCode()).isEqualTo(404);

        // a new profile file
        Files.writeString(file, profileUsing("stub-a"));
        HttpResponse<String> added = waitFor(() -> postJson("/v1/chat/completions", CHAT), r -> r.statusCode() == 200);
        assertThat(added.headers().firstValue("x-caravan-provider")).contains("stub-a");

        // an edit of it
        Files.writeString(file, profileUsing("stub-b"));
        HttpResponse<String> edited = waitFor(() -> postJson("/v1/chat/completions", CHAT),
                r -> r.headers().firstValue("x-caravan-provider").orElse("").equals("stub-b"));
        assertThat(edited.statusCode()).isEqualTo(200);

        // a broken edit: reported, and the last good version keeps serving
        Files.writeString(file, "- route:\n    id: profile-reloaded\n    from: [unclosed\n");
        JsonNode health = waitFor(() -> json(get("/health").body()), h -> h.get("status").asText().equals("degraded"));
        assertThat(health.at("/routes/reload_errors/0/file").asText()).endsWith("reload-test.yaml");
        assertThat(health.at("/routes/reload_errors/0/error").asText()).isNotBlank();
        HttpResponse<String> stillServing = postJson("/v1/chat/completions", CHAT);
        assertThat(stillServing.statusCode()).isEqualTo(200);
        assertThat(stillServing.headers().firstValue("x-caravan-provider")).contains("stub-b");

        // fixing the file clears the report
        Files.writeString(file, profileUsing("stub-a"));
        waitFor(() -> json(get("/health").body()), h -> h.get("status").asText().equals("ok"));
        waitFor(() -> postJson("/v1/chat/completions", CHAT),
                r -> r.headers().firstValue("x-caravan-provider").orElse("").equals("stub-a"));
    }

    /** Polls until the condition holds; the file watcher picks changes up within a few seconds. */
    private static <T> T waitFor(Supplier<T> probe, Predicate<T> condition) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        T value = probe.get();
        while (!condition.test(value)) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("condition not reached in 30 s; last value: " + value);
            }
            Thread.sleep(200);
            value = probe.get();
        }
        return value;
    }
}
