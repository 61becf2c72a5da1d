package dev.caravan.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The guard's decisions against real processes, in this JVM: a small perl program stands in for the server
 * (it exits on SIGINT, as PostgreSQL's fast shutdown does), a pid file of the test's own format for its
 * postmaster.pid. The gateway-as-a-process cases are in EmbeddedDatabaseCrashRecoveryTest.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class EmbeddedProcessGuardTest {

    @TempDir
    Path root;
    private Path dataDir;
    private Path pidFile;
    private final List<Process> servers = new ArrayList<>();

    @BeforeEach
    void dataDirectory() throws IOException {
        dataDir = Files.createDirectories(root.resolve("server")).toRealPath();
        pidFile = dataDir.resolve("server.pid");
    }

    @AfterEach
    void stopServers() {
        servers.forEach(Process::destroyForcibly);
    }

    @Test
    void aSecondClaimOnTheDirectoryIsRefusedNamingTheGatewayThatHoldsIt() {
        try (EmbeddedProcessGuard ignored = EmbeddedProcessGuard.claim(server())) {
            assertThatThrownBy(() -> EmbeddedProcessGuard.claim(server()))
                    .isInstanceOf(DataDirInUseException.class)
                    .hasMessage("Another Caravan gateway (pid %d) is using the embedded Test server data directory %s",
                            ProcessHandle.current().pid(), dataDir)
                    .satisfies(e -> assertThat(((DataDirInUseException) e).action())
                            .isEqualTo("Stop that gateway, or give this one its own database: set test.data-dir."));
        }
        try (EmbeddedProcessGuard again = EmbeddedProcessGuard.claim(server())) {
            assertThat(again).isNotNull();
        }
    }

    @Test
    void aServerLeftRunningByThePreviousGatewayIsStoppedBeforeTheNextClaimReturns() throws IOException {
        Process server = startServer();
        try (EmbeddedProcessGuard previous = EmbeddedProcessGuard.claim(server())) {
            writePidFile(server.pid());
            previous.started(server.pid());
        } // released without stopping the server, as when a gateway and its watchdog are killed

        try (EmbeddedProcessGuard next = EmbeddedProcessGuard.claim(server())) {
            assertThat(server.isAlive()).isFalse();
        }
    }

    @Test
    void aLiveServerNoGatewayStartedIsRefusedAndLeftRunning() throws IOException {
        Process server = startServer();
        writePidFile(server.pid());

        assertThatThrownBy(() -> EmbeddedProcessGuard.claim(server()))
                .isInstanceOf(DataDirInUseException.class)
                .hasMessage("Test server (pid %d), not started by Caravan, is running on the data directory %s",
                        server.pid(), dataDir);
        assertThat(server.isAlive()).isTrue();
        // the refusal released the lock
        try (EmbeddedProcessGuard ignored = EmbeddedProcessGuard.claim(serverNamed("sleep"))) {
            assertThat(pidFile).doesNotExist(); // a perl pid is no "sleep": a stale file, cleared
        }
    }

    @Test
    void aPidFileWhosePidNowRunsAnotherProgramIsRemoved() throws IOException {
        writePidFile(ProcessHandle.current().pid()); // this JVM, which is no perl

        try (EmbeddedProcessGuard ignored = EmbeddedProcessGuard.claim(server())) {
            assertThat(pidFile).doesNotExist();
        }
    }

    @Test
    void closingTheGuardDisarmsTheWatchdogWithoutSignallingTheServer() throws IOException {
        Process server = startServer();
        EmbeddedProcessGuard guard = EmbeddedProcessGuard.claim(server());
        guard.started(server.pid());
        ProcessHandle watchdog = ProcessHandle.of(guard.watchdogPid()).orElseThrow();
        assertThat(watchdog.info().arguments().map(List::of).orElse(List.of()))
                .anySatisfy(argument -> assertThat(argument).contains("kill -INT " + server.pid()));

        guard.close();

        await().atMost(Duration.ofSeconds(10)).until(() -> !watchdog.isAlive());
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(server::isAlive);
    }

    private EmbeddedProcessGuard.Server server() {
        return serverNamed("perl");
    }

    private EmbeddedProcessGuard.Server serverNamed(String executable) {
        return new EmbeddedProcessGuard.Server("Test server", executable, dataDir, pidFile, EmbeddedProcessGuardTest::readPidFile,
                "set test.data-dir.");
    }

    /** Exits on SIGINT whatever the signal dispositions this JVM was started with. */
    private Process startServer() throws IOException {
        Process server = new ProcessBuilder("perl", "-e", "$SIG{INT} = sub { exit 0 }; sleep 600")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        servers.add(server);
        return server;
    }

    private void writePidFile(long pid) throws IOException {
        Files.writeString(pidFile, pid + "\n" + dataDir + "\n" + Instant.now().getEpochSecond() + "\n");
    }

    private static Optional<LeftoverServer> readPidFile(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return Optional.of(new LeftoverServer(Long.parseLong(lines.get(0)), Path.of(lines.get(1)),
                    Long.parseLong(lines.get(2)), 0));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
