package dev.caravan.alerts;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.caravan.support.OpenAiFixtures;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts reach the webhooks the YAML routes send them to: once per cause and subject per window, signed (JSON),
 * in Slack's and ntfy's shapes, and never on a call's time, even when the webhook hangs.
 */
class AlertWebhooksTest extends AlertTestSupport {

    @Test
    void aBreakerEventRaisedThroughAlertsReachesEveryWebhookOncePerWindowSigned() {
        String provider = "breaker-" + UUID.randomUUID();
        String subject = "provider:" + provider;
        double deduplicated = count("breaker_opened", "deduplicated");

        // as the circuit breakers raise it: the existing factory, the provider in the detail
        for (int i = 0; i < 3; i++) {
            alerts.raise(AlertEvent.warning("breaker_opened", "a provider's circuit breaker opened",
                    Map.of("provider", provider, "failures", 5)));
        }

        awaitCount("breaker_opened", "deduplicated", deduplicated + 2);
        JsonNode alert = awaitJsonAlerts("breaker_opened", subject, 1).get(0);
        awaitCount("breaker_opened", "sent", 3);
        assertThat(jsonAlerts("breaker_opened", subject)).hasSize(1);
        assertThat(received("slack", subject)).hasSize(1);
        assertThat(received("ntfy", provider)).hasSize(1);

        assertThat(alert.get("severity").asText()).isEqualTo("warning");
        assertThat(alert.get("summary").asText()).isEqualTo("a provider's circuit breaker opened");
        assertThat(alert.at("/detail/provider").asText()).isEqualTo(provider);
        assertThat(alert.at("/detail/failures").asInt()).isEqualTo(5);
        assertThat(alert.get("at").asText()).isNotBlank();
        assertThat(alert.get("instance").asText()).isNotBlank();

        // the breaker closing is another cause: it gets through although the opening was a moment ago
        alerts.raise(AlertEvent.info("breaker_closed", subject, "a provider's circuit breaker closed again",
                Map.of("provider", provider)));
        assertThat(awaitJsonAlerts("breaker_closed", subject, 1).get(0).get("severity").asText()).isEqualTo("info");
    }

    @Test
    void slackGetsTextAndBlocksAndNtfyGetsTitlePriorityAndTags() {
        String profile = "shapes-" + UUID.randomUUID();
        alerts.raise(AlertEvent.critical("all_providers_failed", "profile:" + profile,
                "every provider of a profile failed for a request", Map.of("profile", profile, "status", 502)));

        List<LoggedRequest> slack = awaitReceived("slack", profile);
        JsonNode message = json(slack.get(0).getBodyAsString());
        assertThat(slack.get(0).getHeader("Content-Type")).startsWith("application/json");
        assertThat(message.get("text").asText()).contains("CRITICAL", "all_providers_failed", profile,
                "every provider of a profile failed");
        JsonNode blocks = message.get("blocks");
        assertThat(blocks.get(0).get("type").asText()).isEqualTo("header");
        assertThat(blocks.get(0).at("/text/type").asText()).isEqualTo("plain_text");
        assertThat(blocks.get(1).at("/text/type").asText()).isEqualTo("mrkdwn");
        assertThat(blocks.get(2).get("fields").toString()).contains("*profile*\\n" + profile, "*status*\\n502");
        assertThat(blocks.get(3).get("type").asText()).isEqualTo("context");

        LoggedRequest ntfy = awaitReceived("ntfy", profile).get(0);
        assertThat(ntfy.getHeader("Title")).contains("critical", "all_providers_failed", profile);
        assertThat(ntfy.getHeader("Priority")).isEqualTo("5");
        assertThat(ntfy.getHeader("Tags")).isEqualTo("rotating_light,all_providers_failed");
        assertThat(ntfy.getBodyAsString()).startsWith("every provider of a profile failed for a request")
                .contains("profile: " + profile, "status: 502");
    }

    @Test
    void aHangingWebhookNeitherSlowsCallsNorRetriesForever() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "ok"))));
        // a first call, answered, warms the path up (and raises nothing)
        assertThat(postJson("/v1/chat/completions", chat("alerts-hang")).statusCode()).isEqualTo(200);
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        // every webhook holds this profile's alerts far longer than the delivery timeout (3 s in tests)
        StubMapping hang = ALERT_HOOKS.stubFor(any(urlPathMatching("/alert-hooks/.*"))
                .withRequestBody(containing("alerts-hang")).atPriority(1).willReturn(ok().withFixedDelay(20_000)));
        double dropped = count("all_providers_failed", "dropped");
        double failed = count("all_providers_failed", "failed");
        try {
            long start = System.nanoTime();
            HttpResponse<String> response = postJson("/v1/chat/completions", chat("alerts-hang"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).isEqualTo(502);
            // a call that waited for the webhook would take at least its 3 s timeout
            assertThat(took).isLessThan(Duration.ofSeconds(2));
            // three webhooks, three attempts each (two retries), then dropped, each once
            awaitCount("all_providers_failed", "dropped", dropped + 3);
            assertThat(count("all_providers_failed", "failed")).isGreaterThanOrEqualTo(failed + 9);
            assertThat(received("json", "alerts-hang")).hasSize(3);
        } finally {
            ALERT_HOOKS.removeStub(hang);
        }
    }

    private static List<LoggedRequest> awaitReceived(String kind, String needle) {
        return org.awaitility.Awaitility.await(kind + " webhook").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> received(kind, needle), list -> !list.isEmpty());
    }
}
