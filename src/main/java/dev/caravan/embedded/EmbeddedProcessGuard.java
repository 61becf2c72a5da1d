package dev.caravan.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;

import dev.caravan.embedded.LeftoverVerdict.ProcessKind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ties a server the gateway runs itself (the embedded PostgreSQL, the embedded Redis) to the gateway's
 * life, across crashes:
 * <ol>
 * <li>{@link #claim}: takes the {@link DataDirLock} beside the data directory. When another live gateway holds
 * it, startup is refused with a one-line {@link DataDirInUseException}. Holding it, the guard looks at the
 * server's pid file: a server the previous gateway on this directory started and left running (that gateway
 * was killed) is stopped with a fast shutdown and awaited; a stale pid file whose pid now belongs to another
 * program is removed; a live server that no gateway started is refused (not ours to stop).</li>
 * <li>{@link #started}: records the server's pid in the lock file and arms a {@link ServerWatchdog} that stops
 * the server when this JVM dies without stopping it.</li>
 * <li>{@link #close}, after the server has been stopped: disarms the watchdog and releases the lock.</li>
 * </ol>
 * Why a lock file and not the pid files alone: the OS drops the lock when its holder dies, however it dies, so
 * a free lock proves no live gateway uses the directory, with no pid or process-name guessing that pid reuse
 * could fool; the pid file is then only consulted to find the server left behind.
 */
public final class EmbeddedProcessGuard implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedProcessGuard.class);
    private static final Duration ORPHAN_STOP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The server being guarded.
     *
     * @param name        as users know it, for messages ("PostgreSQL")
     * @param executable  file name of its process ("postgres"), to tell it from a process that reused its pid
     * @param dataDir     its data directory
     * @param pidFile     where it writes its pid file
     * @param readPidFile reads that file; empty when there is none
     * @param otherChoice what the user can set instead, completing "Stop it, or ..."
     */
    public record Server(String name, String executable, Path dataDir, Path pidFile,
            Function<Path, Optional<LeftoverServer>> readPidFile, String otherChoice) {
    }

    private final Server server;
    private final DataDirLock lock;
    private final OwnerRecord record;
    private ServerWatchdog watchdog;

    private EmbeddedProcessGuard(Server server, DataDirLock lock, OwnerRecord record) {
        this.server = server;
        this.lock = lock;
        this.record = record;
    }

    /**
     * Makes the data directory this gateway's, ready for the server to start: locked, and no server of an
     * earlier run left on it.
     *
     * @throws DataDirInUseException when a live gateway or a server no gateway started holds it
     */
    public static EmbeddedProcessGuard claim(Server server) {
        Path dataDir = canonical(server.dataDir());
        Path lockFile = dataDir.resolveSibling(dataDir.getFileName() + ".lock");
        DataDirLock lock = DataDirLock.tryAcquire(lockFile).orElseThrow(() -> heldByGateway(server, dataDir, lockFile));
        try {
            settleLeftover(server, dataDir, lock.previous());
            OwnerRecord record = new OwnerRecord(ProcessHandle.current().pid(), Instant.now().getEpochSecond(), null);
            lock.write(record);
            return new EmbeddedProcessGuard(server, lock, record);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The server runs as {@code serverPid}: write it down for the next start, and watch over it. */
    public void started(long serverPid) {
        lock.write(record.withServerPid(serverPid));
        if (!Processes.posix()) {
            return;
        }
        try {
            watchdog = ServerWatchdog.arm(serverPid);
        } catch (IOException e) {
            // the gateway still works; only a killed JVM would leave the server running (and the next start stops it)
            LOG.warn("could not start the watchdog of the embedded {} ({}); it may outlive a killed gateway",
                    server.name(), e.getMessage());
        }
    }

    /** Call after the server has stopped: the watchdog covers it until then. */
    @Override
    public void close() {
        if (watchdog != null) {
            watchdog.close();
        }
        lock.close();
    }

    Long watchdogPid() {
        return watchdog == null ? null : watchdog.pid();
    }

    private static void settleLeftover(Server server, Path dataDir, OwnerRecord previous) {
        Optional<LeftoverServer> found = server.readPidFile().apply(server.pidFile());
        if (found.isEmpty()) {
            return;
        }
        LeftoverServer leftover = found.get();
        if (leftover.dataDir() != null) {
            leftover = new LeftoverServer(leftover.pid(), canonical(leftover.dataDir()), leftover.startedAt(),
                    leftover.port());
        }
        ProcessKind kind = Processes.kind(leftover.pid(), server.executable());
        switch (LeftoverVerdict.judge(leftover, kind, dataDir, previous)) {
            case NOTHING -> {
            }
            case STALE_PID_FILE -> removeStalePidFile(server, leftover);
            case ORPHAN -> stopOrphan(server, dataDir, leftover);
            case FOREIGN -> throw new DataDirInUseException(
                    "%s %s, not started by Caravan, is running on the data directory %s".formatted(server.name(),
                            describe(leftover), dataDir),
                    "Stop it (kill -INT %d), or %s".formatted(leftover.pid(), server.otherChoice()));
        }
    }

    private static void stopOrphan(Server server, Path dataDir, LeftoverServer orphan) {
        String stopIt = "Stop it (kill -INT %d) and start again, or %s".formatted(orphan.pid(), server.otherChoice());
        if (!Processes.posix()) {
            throw new DataDirInUseException("%s %s was left running on %s by a gateway that did not stop"
                    .formatted(server.name(), describe(orphan), dataDir), stopIt);
        }
        LOG.warn("the embedded {} {} was left running on {} by a gateway that did not stop; stopping it (fast shutdown)",
                server.name(), describe(orphan), dataDir);
        try {
            Processes.interrupt(orphan.pid());
        } catch (IOException e) {
            throw new UncheckedIOException("could not signal the " + server.name() + " left running", e);
        }
        if (!Processes.awaitExit(orphan.pid(), ORPHAN_STOP_TIMEOUT)) {
            throw new DataDirInUseException("%s %s left running on %s by an earlier gateway did not stop within %d s"
                    .formatted(server.name(), describe(orphan), dataDir, ORPHAN_STOP_TIMEOUT.toSeconds()), stopIt);
        }
        LOG.info("the embedded {} left running by the earlier gateway has stopped", server.name());
    }

    private static void removeStalePidFile(Server server, LeftoverServer leftover) {
        LOG.warn("removing the stale {} pid file {}: its pid {} is now another process", server.name(),
                server.pidFile(), leftover.pid());
        try {
            Files.deleteIfExists(server.pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the stale pid file " + server.pidFile(), e);
        }
    }

    private static DataDirInUseException heldByGateway(Server server, Path dataDir, Path lockFile) {
        Long holder = DataDirLock.readHolder(lockFile).gatewayPid();
        String who = holder == null ? "Another Caravan gateway" : "Another Caravan gateway (pid " + holder + ")";
        return new DataDirInUseException(
                "%s is using the embedded %s data directory %s".formatted(who, server.name(), dataDir),
                "Stop that gateway, or give this one its own database: " + server.otherChoice());
    }

    private static String describe(LeftoverServer leftover) {
        return leftover.port() > 0 ? "(pid %d, port %d)".formatted(leftover.pid(), leftover.port())
                : "(pid %d)".formatted(leftover.pid());
    }

    private static Path canonical(Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        try {
            return absolute.toRealPath();
        } catch (IOException e) {
            return absolute;
        }
    }
}
