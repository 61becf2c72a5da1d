package dev.caravan.routing;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The project's load balancers in a profile's YAML (test-routes/strategy-profiles.yaml): a 70/30 weighted split
 * that still fails over, and least-latency routing that follows the faster stub when the stubs change speed.
 */
class RoutingStrategiesTest extends GatewayTestSupport {

    private static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private void answer(String path, String content, int delayMillis) {
        STUB.stubFor(post("/" + path + "/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withFixedDelay(delayMillis).withHeader("Content-Type", "application/json")
                .withBody(OpenAiFixtures.completion("model-" + path, content))));
    }

    private String providerOf(String model) {
        HttpResponse<String> response = postJson("/v1/chat/completions", chat(model));
        assertThat(response.statusCode()).isEqualTo(200);
        return response.headers().firstValue("x-caravan-provider").orElseThrow();
    }

    @Test
    void weightedSplitsCallsSeventyThirty() {
        answer("a", "from a", 0);
        answer("b", "from b", 0);
        int a = 0;
        for (int i = 0; i < 1_000; i++) {
            if (providerOf("weighted-ab").equals("stub-a")) {
                a++;
            }
        }
        // 700 expected; a binomial(1000, 0.7) has a standard deviation of 14.5: ±60 is four of them
        assertThat(a).isBetween(640, 760);
        STUB.verify(1_000 - a, postRequestedFor(urlEqualTo("/b/v1/chat/completions")));
    }

    @Test
    void weightedFailsOverToTheOtherProvider() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)
                .withBody(OpenAiFixtures.error("server_error", "boom", null))));
        answer("b", "from b", 0);
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = postJson("/v1/chat/completions", chat("weighted-ab"));
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("from b");
        }
    }

    @Test
    void leastLatencyFollowsTheFasterProvider() {
        answer("a", "from a", 150);
        answer("b", "from b", 0);
        List<String> first = calls(60);
        // after each is measured once, b is first but for the 5 % that explore
        assertThat(first.subList(10, 60).stream().filter("stub-b"::equals).count()).isGreaterThanOrEqualTo(42);

        // now a is the fast one and b slower than a ever was: b's answers raise its average past a's (about
        // 150 ms) within three calls
        answer("a", "from a", 0);
        answer("b", "from b", 400);
        List<String> then = calls(60);
        assertThat(then.subList(30, 60).stream().filter("stub-a"::equals).count()).isGreaterThanOrEqualTo(25);
    }

    private List<String> calls(int count) {
        List<String> providers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            providers.add(providerOf("quickest-ab"));
        }
        return providers;
    }
}
