package dev.caravan.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.embedded.LeftoverServer;
import dev.caravan.support.GatewayProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The quick start with the embedded Redis: the gateway runs as its own JVM without a REDIS_URL, starts its
 * redis-server, reports it in {@code /health} and serves, its quotas counted there; killed with its Redis
 * watchdog, it leaves that server running, which the next start stops; killed alone, its watchdog stops the
 * server. Two starts on one data directory, in order, so initdb runs once.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedRedisProcessTest {

    private static final Duration STOPPED_WITHIN = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<GatewayProcess> started = new ArrayList<>();
    private Path root;
    private Path dataDir;
    private Path redisDir;
    private GatewayProcess running;
    private String adminKey;

    @BeforeAll
    void dataDirectory() throws IOException {
        root = Files.createTempDirectory("caravan-redis-test").toRealPath();
        dataDir = root.resolve("postgres");
        redisDir = GatewayProcess.redisDataDir(dataDir);
    }

    @Test
    @Order(1)
    void theQuickStartRunsOnTheEmbeddedRedisAndHealthShowsIt() throws IOException {
        running = start("first").awaitHealthy();
        GatewayProcess first = running;
        adminKey = await().atMost(Duration.ofSeconds(30)).until(first::printedAdminKey, Optional::isPresent).get();

        long server = redisPid().orElseThrow();
        assertThat(first.console()).containsPattern(
                "embedded Redis started on port \\d+ with its pid file in " + redisDir + " \\(set REDIS_URL to use a server\\)");
        JsonNode health = JSON.readTree(first.get("/health", "").body());
        assertThat(health.at("/redis/status").asText()).isEqualTo("up");
        assertThat(health.at("/redis/embedded").asBoolean()).isTrue();
        assertThat(health.at("/redis/ping_ms").isNumber()).isTrue();
        assertThat(health.get("status").asText()).isEqualTo("ok");
        var chat = first.chatAsNewUser(adminKey);
        assertThat(chat.statusCode()).isEqualTo(200);
        // the demo profile's quota step counted the call in the embedded Redis (application.yaml's defaults)
        assertThat(chat.headers().firstValue("x-ratelimit-limit-requests")).hasValue("1000");
        assertThat(chat.headers().firstValue("x-ratelimit-remaining-requests")).hasValue("999");
        assertThat(GatewayProcess.alive(server)).isTrue();
    }

    @Test
    @Order(2)
    void aRedisLeftRunningByAGatewayKilledWithItsWatchdogIsStoppedByTheNextStart() {
        long orphan = redisPid().orElseThrow();
        List<ProcessHandle> watchdogs = running.children().stream()
                .filter(child -> child.info().arguments()
                        .map(args -> String.join(" ", args).contains("kill -INT " + orphan)).orElse(false))
                .toList();
        assertThat(watchdogs).as("the watchdog of redis-server %d", orphan).hasSize(1);

        watchdogs.get(0).destroyForcibly();
        await().atMost(STOPPED_WITHIN).until(() -> !watchdogs.get(0).isAlive());
        running.kill();
        assertThat(GatewayProcess.alive(orphan)).as("Redis left running by the killed gateway").isTrue();

        running = start("after-orphan").awaitHealthy();
        assertThat(running.console()).contains("the embedded Redis (pid " + orphan + ") was left running on " + redisDir);
        assertThat(GatewayProcess.alive(orphan)).isFalse();
        assertThat(redisPid()).isPresent().get().isNotEqualTo(orphan);
        assertThat(running.chatAsNewUser(adminKey).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void afterTheGatewayIsKilledItsWatchdogStopsRedis() {
        long server = redisPid().orElseThrow();

        running.kill();

        await().atMost(STOPPED_WITHIN).until(() -> !GatewayProcess.alive(server));
    }

    /** Every JVM, watchdog, PostgreSQL and Redis of these tests ends here, whether they passed or not. */
    @AfterAll
    void stopEverything() throws IOException {
        GatewayProcess.cleanUp(started, dataDir, root);
    }

    private GatewayProcess start(String name) {
        GatewayProcess gateway = GatewayProcess.start(dataDir, root.resolve(name + ".log"));
        started.add(gateway);
        return gateway;
    }

    private Optional<Long> redisPid() {
        return RedisPidFile.read(redisDir.resolve(RedisPidFile.NAME)).map(LeftoverServer::pid);
    }
}
