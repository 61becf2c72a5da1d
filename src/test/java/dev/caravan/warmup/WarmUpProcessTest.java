package dev.caravan.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.account.Identity;
import dev.caravan.support.GatewayProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The warm-up as the quick start runs it, in a gateway process of its own: readiness turns up only after it,
 * every call of it is served, and nothing of it is left for a client, the ledger or a wallet to see.
 */
class WarmUpProcessTest {

    private static final String ADMIN_KEY = "cvn_live_WarmUpTestAdminKey0123456789abcdefgh";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CALLS = 200;

    private final List<GatewayProcess> started = new ArrayList<>();
    private Path root;

    @Test
    void readinessWaitsForAWarmUpThatLeavesNothingBehind() throws Exception {
        root = Files.createTempDirectory("caravan-warm-up");
        GatewayProcess gateway = GatewayProcess.start(root.resolve("postgres"), root.resolve("console.log"),
                "--caravan.auth.admin-key=" + ADMIN_KEY, "--caravan.warm-up.calls=" + CALLS,
                "--caravan.warm-up.max-time=120s");
        started.add(gateway);

        // the first time the readiness probe says UP, the warm-up has finished, all of it served
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                .until(() -> ready(gateway));
        String console = gateway.console();
        assertThat(console).contains("warmed up with " + CALLS + " calls").doesNotContain("calls failed")
                .doesNotContain("warm-up skipped");

        String userId = json(gateway.post("/admin/users", ADMIN_KEY, "{\"name\":\"Ada\",\"email\":\"ada@example.com\"}"))
                .get("id").asText();
        json(gateway.post("/admin/users/" + userId + "/credits", ADMIN_KEY,
                "{\"amount\":5,\"kind\":\"topup\",\"reason\":\"welcome\"}"));
        String key = json(gateway.post("/admin/users/" + userId + "/keys", ADMIN_KEY, "{\"name\":\"laptop\"}"))
                .get("key").asText();

        assertThat(gateway.get("/v1/models", key).body()).doesNotContain(WarmUpRoutes.NAME);
        HttpResponse<String> call = gateway.post("/v1/chat/completions", key,
                "{\"model\":\"" + WarmUpRoutes.NAME + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(call.statusCode()).isEqualTo(404);
        call = gateway.post("/v1/chat/completions", key,
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(call.statusCode()).isEqualTo(200);

        // the ledger's queue is first in, first out: once this call's row is there, the warm-up's were taken
        String requestId = call.headers().firstValue("x-request-id").orElseThrow();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                rows(gateway.get("/admin/usage?request_id=" + requestId, ADMIN_KEY)).size() == 1);
        // the tenant's two calls (the refused one is recorded too), nothing else
        assertThat(rows(gateway.get("/admin/usage?limit=100", ADMIN_KEY)))
                .extracting(row -> row.get("user_id").asText()).containsExactly(userId, userId);
        assertThat(rows(gateway.get("/admin/usage?user_id=" + Identity.WARM_UP_USER, ADMIN_KEY))).isEmpty();
        assertThat(rows(gateway.get("/admin/ledger/dead-letters?all=true", ADMIN_KEY))).isEmpty();
        assertThat(console).doesNotContain("model=" + WarmUpRoutes.NAME);
    }

    private static boolean ready(GatewayProcess gateway) {
        try {
            return gateway.get("/actuator/health/readiness", null).statusCode() == 200;
        } catch (RuntimeException notListeningYet) {
            return false;
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private static List<JsonNode> rows(HttpResponse<String> response) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        json(response).path("data").forEach(rows::add);
        return rows;
    }

    @AfterEach
    void stop() throws Exception {
        GatewayProcess.cleanUp(started, root.resolve("postgres"), root);
    }
}
