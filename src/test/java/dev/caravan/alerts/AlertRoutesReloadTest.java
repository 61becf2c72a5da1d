package dev.caravan.alerts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** An alert rule and webhook are YAML: adding or editing one takes effect on reload, without a restart. */
class AlertRoutesReloadTest extends AlertTestSupport {

    private final Path file = TEST_ROUTES.resolve("alert-reload-test.yaml");

    /** A rule sending the alerts of {@code cause} to the test-reload webhook (test-routes/alert-webhooks.yaml). */
    private static String ruleFor(String cause) {
        return """
                - route:
                    id: alert-rule-reloaded
                    from:
                      uri: direct:alert-rule-reloaded
                      steps:
                        - filter:
                            simple: "${body.cause} == '%s'"
                            steps:
                              - wireTap:
                                  uri: direct:alert-webhook-test-reload
                """.formatted(cause);
    }

    @AfterEach
    void removeFile() throws Exception {
        // deleting a file does not unload its routes: leave a rule that passes nothing (the folder is the test run's)
        Files.writeString(file, ruleFor("never"));
    }

    @Test
    void anAddedAndThenEditedAlertRuleTakesEffectOnReload() throws Exception {
        Files.writeString(file, ruleFor("reload_test"));
        String first = "reload-" + UUID.randomUUID();
        raiseUntilReceived("reload_test", first);
        assertThat(verified(received("reload", first).get(0)).get("cause").asText()).isEqualTo("reload_test");

        // the edit: the rule now lets another cause through, and no longer this one
        Files.writeString(file, ruleFor("reload_test_edited"));
        String second = "reload-" + UUID.randomUUID();
        raiseUntilReceived("reload_test_edited", second);
        String third = "reload-" + UUID.randomUUID();
        alerts.raise(AlertEvent.warning("reload_test", "provider:" + third, "reload test", Map.of("marker", third)));
        String fourth = "reload-" + UUID.randomUUID();
        alerts.raise(AlertEvent.warning("reload_test_edited", "provider:" + fourth, "reload test", Map.of("marker", fourth)));
        // raised together: by the time the one the rule passes has arrived, the other would have too
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> !received("reload", fourth).isEmpty());
        assertThat(received("reload", third)).isEmpty();
    }

    /**
     * Raises alerts of {@code cause} (each its own subject, so none is de-duplicated) until one reaches the
     * test-reload webhook: the watcher picks the file up within seconds.
     */
    private void raiseUntilReceived(String cause, String marker) {
        Awaitility.await("rule for " + cause).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    alerts.raise(AlertEvent.warning(cause, "provider:" + marker + "-" + UUID.randomUUID(),
                            "reload test", Map.of("marker", marker)));
                    return !received("reload", marker).isEmpty();
                });
    }
}
