package dev.caravan.ledger;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.GatewayProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A gateway killed with SIGKILL under load loses no money but the documented crash window: after a restart and
 * the sweeper, every wallet reconciles, and the only answered calls missing from the ledger are those that
 * ended within the last ledger batch before the kill.
 */
class CrashReconciliationTest {

    private static final String ADMIN_KEY = "cvn_live_CrashTestAdminKey0123456789abcdefghijk";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The ledger batches every 100 ms; on this shared 2-core machine a batch may take a few times that. */
    private static final long CRASH_WINDOW_MS = 1_000;

    private final List<GatewayProcess> started = new ArrayList<>();
    private Path root;

    @Test
    void afterAKillUnderLoadAndARestartEveryWalletReconciles() throws Exception {
        root = Files.createTempDirectory("caravan-crash-ledger");
        GatewayProcess gateway = start("first").awaitHealthy();
        // the admin key is registered by a runner that may finish just after /health answers
        await().atMost(Duration.ofSeconds(30)).until(() -> gateway.console().contains("admin key from CARAVAN_ADMIN_KEY registered"));
        String userId = json(gateway.post("/admin/users", ADMIN_KEY, "{\"name\":\"Load\",\"email\":\"load@example.com\"}"))
                .get("id").asText();
        json(gateway.post("/admin/users/" + userId + "/credits", ADMIN_KEY, "{\"amount\":50,\"kind\":\"topup\",\"reason\":\"load\"}"));
        String key = json(gateway.post("/admin/users/" + userId + "/keys", ADMIN_KEY, "{\"name\":\"load\"}")).get("key").asText();

        Map<String, Long> answered = new ConcurrentHashMap<>();
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        for (int c = 0; c < 4; c++) {
            int client = c;
            clients.submit(() -> {
                for (int i = 0; running.get(); i++) {
                    String id = "load-" + client + "-" + i;
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(gateway.uri("/v1/chat/completions"))
                                .timeout(Duration.ofSeconds(5)).header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json").header("x-request-id", id)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}"))
                                .build(), HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() == 200) {
                            answered.put(id, System.nanoTime());
                        }
                    } catch (IOException e) {
                        return null; // the gateway is gone
                    }
                }
                return null;
            });
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> answered.size() >= 500);

        long killedAt = System.nanoTime();
        gateway.kill();
        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        GatewayProcess restarted = start("restarted").awaitHealthy();
        await("reconciliation after the sweeper").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode report = json(restarted.get("/admin/reconciliation", ADMIN_KEY));
                    assertThat(report.get("differences")).as(report.toString()).isEmpty();
                    assertThat(json(restarted.get("/admin/users/" + userId, ADMIN_KEY)).at("/wallet/reserved").decimalValue())
                            .isZero();
                });

        // the restarted gateway's probes and metrics, as Kubernetes and Prometheus read them
        assertThat(restarted.get("/actuator/health/readiness", ADMIN_KEY).statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = restarted.get("/actuator/prometheus", ADMIN_KEY);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("camel_route_policy_seconds").contains("caravan_ledger_dead_letters_total");

        List<String> recorded = new ArrayList<>();
        String page = "/admin/usage?user_id=" + userId + "&limit=1000";
        for (int offset = 0; ; offset += 1000) {
            JsonNode rows = json(restarted.get(page + "&offset=" + offset, ADMIN_KEY));
            rows.get("data").forEach(row -> recorded.add(row.get("client_request_id").asText()));
            if (!rows.get("has_more").asBoolean()) {
                break;
            }
        }
        List<Long> lostMsBeforeKill = answered.entrySet().stream().filter(call -> !recorded.contains(call.getKey()))
                .map(call -> (killedAt - call.getValue()) / 1_000_000).sorted().toList();
        System.out.printf("crash window: %d of %d answered calls not in the ledger, ended %s ms before the kill%n",
                lostMsBeforeKill.size(), answered.size(), lostMsBeforeKill);
        assertThat(lostMsBeforeKill).allSatisfy(ms -> assertThat(ms).isLessThan(CRASH_WINDOW_MS));
    }

    private GatewayProcess start(String name) {
        GatewayProcess gateway = GatewayProcess.start(root.resolve("postgres"), root.resolve(name + ".log"),
                "--caravan.auth.admin-key=" + ADMIN_KEY,
                // a crashed replica's leases expire and are swept within seconds, not minutes
                "--caravan.billing.lease-ttl=2s", "--caravan.billing.sweep-interval=1s",
                "--logging.level.caravan.access=WARN");
        started.add(gateway);
        return gateway;
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    @AfterEach
    void stopEverything() throws IOException {
        if (root != null) {
            GatewayProcess.cleanUp(started, root.resolve("postgres"), root);
        }
    }
}
