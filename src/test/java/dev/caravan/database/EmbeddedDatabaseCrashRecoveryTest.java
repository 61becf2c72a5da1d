package dev.caravan.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
 * The quick start after a crash (issue 15): the gateway runs as its own JVM on the embedded PostgreSQL, is
 * killed with SIGKILL, and the next start on the same data directory serves again, with the admin key the
 * first start printed. The cases share one data directory, in order, so initdb runs once: a second live
 * gateway on it is refused; the first one is killed (its watchdog stops PostgreSQL); then the next one and its
 * watchdog are killed, leaving PostgreSQL running, which the start after that stops.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedDatabaseCrashRecoveryTest {

    private static final Duration STOPPED_WITHIN = Duration.ofSeconds(30);

    private final List<GatewayProcess> started = new ArrayList<>();
    private Path root;
    private Path dataDir;
    private GatewayProcess running;
    private String adminKey;

    @BeforeAll
    void dataDirectory() throws IOException {
        root = Files.createTempDirectory("caravan-crash-test").toRealPath();
        dataDir = root.resolve("postgres");
    }

    @Test
    @Order(1)
    void aSecondLiveGatewayOnTheSameDataDirectoryIsRefusedInOneLine() {
        running = start("first").awaitHealthy();
        GatewayProcess first = running;
        // printed by an ApplicationRunner, which runs after the web server has started answering
        adminKey = await().atMost(Duration.ofSeconds(30)).until(first::printedAdminKey, Optional::isPresent).get();

        GatewayProcess second = start("second");
        await().atMost(Duration.ofSeconds(90)).until(() -> !second.process().isAlive());

        String console = second.console();
        assertThat(second.process().exitValue()).as(console).isNotZero();
        assertThat(console).contains("APPLICATION FAILED TO START")
                .contains("Another Caravan gateway (pid " + first.pid()
                        + ") is using the embedded PostgreSQL data directory " + dataDir + "\n")
                .contains("set caravan.database.embedded-data-dir to another directory, or DATABASE_URL")
                .doesNotContain("\tat ")
                .doesNotContain("UnsatisfiedDependencyException");
        assertThat(first.healthStatus()).isEqualTo(200);
        assertThat(first.chatAsNewUser(adminKey).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void afterTheGatewayIsKilledItsWatchdogStopsPostgresAndTheNextStartServes() {
        long postmaster = postmasterPid().orElseThrow();

        running.kill();
        await().atMost(STOPPED_WITHIN).until(() -> !alive(postmaster));

        running = start("after-kill").awaitHealthy();
        assertThat(running.chatAsNewUser(adminKey).statusCode()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void afterTheGatewayAndItsWatchdogAreKilledTheNextStartStopsTheOrphanPostgresAndServes() {
        long orphan = postmasterPid().orElseThrow();
        List<ProcessHandle> watchdogs = running.children().stream()
                .filter(child -> child.info().arguments()
                        .map(args -> String.join(" ", args).contains("kill -INT " + orphan)).orElse(false))
                .toList();
        assertThat(watchdogs).as("the watchdog of postmaster %d", orphan).hasSize(1);

        watchdogs.get(0).destroyForcibly();
        await().atMost(STOPPED_WITHIN).until(() -> !watchdogs.get(0).isAlive());
        running.kill();
        assertThat(alive(orphan)).as("PostgreSQL left running by the killed gateway").isTrue();

        running = start("after-orphan").awaitHealthy();
        assertThat(running.console()).contains("was left running on " + dataDir);
        assertThat(alive(orphan)).isFalse();
        assertThat(postmasterPid()).isPresent().get().isNotEqualTo(orphan);
        assertThat(running.chatAsNewUser(adminKey).statusCode()).isEqualTo(200);
    }

    /** Every JVM, watchdog and PostgreSQL of these tests ends here, whether they passed or not. */
    @AfterAll
    void stopEverything() throws IOException {
        GatewayProcess.cleanUp(started, dataDir, root);
    }

    private GatewayProcess start(String name) {
        GatewayProcess gateway = GatewayProcess.start(dataDir, root.resolve(name + ".log"));
        started.add(gateway);
        return gateway;
    }

    private Optional<Long> postmasterPid() {
        return PostmasterPidFile.read(dataDir.resolve(PostmasterPidFile.NAME)).map(LeftoverServer::pid);
    }

    private static boolean alive(long pid) {
        return GatewayProcess.alive(pid);
    }
}
