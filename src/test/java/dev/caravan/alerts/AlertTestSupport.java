package dev.caravan.alerts;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.caravan.support.GatewayTestSupport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** Reads what the tests' alert webhooks (test-routes/alert-webhooks.yaml) received, and the alert counters. */
abstract class AlertTestSupport extends GatewayTestSupport {

    static final String SECRET = "alert-test-secret-0123456789";

    @Autowired
    Alerts alerts;
    @Autowired
    MeterRegistry meters;

    /** The requests webhook {@code kind} (json, slack, ntfy) received whose body contains {@code needle}. */
    static List<LoggedRequest> received(String kind, String needle) {
        return ALERT_HOOKS.findAll(postRequestedFor(urlEqualTo("/alert-hooks/" + kind))).stream()
                .filter(request -> request.getBodyAsString().contains(needle)).toList();
    }

    /** The JSON webhook's alerts of {@code cause} about {@code subject}, each checked for a valid signature. */
    static List<JsonNode> jsonAlerts(String cause, String subject) {
        return received("json", subject).stream().map(AlertTestSupport::verified)
                .filter(alert -> alert.get("cause").asText().equals(cause) && alert.get("subject").asText().equals(subject))
                .toList();
    }

    /** Waits until the JSON webhook holds {@code n} alerts of the cause about the subject, and returns them. */
    static List<JsonNode> awaitJsonAlerts(String cause, String subject, int n) {
        return Awaitility.await(cause + " alert about " + subject).atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50)).until(() -> jsonAlerts(cause, subject), alerts -> alerts.size() >= n);
    }

    /** The body of a JSON webhook request, after checking its signature as a receiver would (README, Alerts). */
    static JsonNode verified(LoggedRequest request) {
        String timestamp = request.getHeader(WebhookSignature.TIMESTAMP_HEADER);
        String signature = request.getHeader(WebhookSignature.SIGNATURE_HEADER);
        assertThat(timestamp).as("timestamp header").matches("\\d+");
        assertThat(Math.abs(System.currentTimeMillis() / 1000 - Long.parseLong(timestamp))).isLessThan(300);
        assertThat(signature).as("signature header").isEqualTo(hmacHex(timestamp + "." + request.getBodyAsString()));
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        return json(request.getBodyAsString());
    }

    /** HMAC-SHA256 written independently of WebhookSignature, as a receiver in any language would. */
    static String hmacHex(String signed) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "HmacSHA256"));
            byte[] digest = mac.doFinal(signed.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder("sha256=");
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    double count(String cause, String result) {
        Counter counter = meters.find(AlertRoutes.METER).tag("cause", cause).tag("result", result).counter();
        return counter == null ? 0 : counter.count();
    }

    void awaitCount(String cause, String result, double atLeast) {
        Awaitility.await(cause + " " + result).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> count(cause, result), value -> value >= atLeast);
    }

    static String chat(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":1,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"a private prompt\"}]}";
    }
}
