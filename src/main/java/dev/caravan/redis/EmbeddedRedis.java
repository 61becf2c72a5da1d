package dev.caravan.redis;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.caravan.embedded.EmbeddedProcessGuard;
import dev.caravan.embedded.LeftoverServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.unit.DataSize;
import redis.embedded.RedisServer;

/**
 * A real redis-server (the binary embedded-redis ships) run by the gateway when no {@code REDIS_URL} is set, so
 * the quick start needs nothing installed and runs the same quota and cache code as production. It listens on a
 * free port of 127.0.0.1 only, keeps nothing on disk ({@code save ""}, {@code appendonly no}: what it holds is
 * rebuilt by traffic), and is bounded by {@code maxmemory} with {@code allkeys-lru}.
 * <p>
 * Tied to the gateway's life like the embedded PostgreSQL, by an {@link EmbeddedProcessGuard} on its data
 * directory (its {@code pidfile} is there): one gateway per directory, a server left running by a killed
 * gateway is stopped on the next start, and a watchdog stops the server when the JVM dies. The process is
 * started here, not by embedded-redis's {@code RedisServer.start()}, because that registers a JVM shutdown
 * hook that stops Redis as soon as shutdown begins, while graceful shutdown still has calls in flight that use
 * it; Spring stops this one ({@link #close}) after everything that uses it. On Linux it runs in a session of
 * its own ({@code setsid}), so Ctrl-C in the gateway's terminal reaches the gateway, not Redis, as pg_ctl does
 * for PostgreSQL.
 */
public final class EmbeddedRedis implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedis.class);
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final int PORT_ATTEMPTS = 3;
    private static final int OUTPUT_LINES_KEPT = 40;

    private final Path dataDir;
    private final int port;
    private final long pid;
    private final EmbeddedProcessGuard guard;

    private EmbeddedRedis(Path dataDir, int port, long pid, EmbeddedProcessGuard guard) {
        this.dataDir = dataDir;
        this.port = port;
        this.pid = pid;
        this.guard = guard;
    }

    /**
     * Starts redis-server with its pid file in {@code dataDir}, on a free port.
     *
     * @throws dev.caravan.embedded.DataDirInUseException when another gateway, or a Redis no gateway started, uses
     *                                                    the directory
     */
    public static EmbeddedRedis start(Path dataDir, DataSize maxMemory) {
        Path directory = dataDir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the embedded Redis data directory " + directory, e);
        }
        Path pidFile = directory.resolve(RedisPidFile.NAME);
        EmbeddedProcessGuard guard = EmbeddedProcessGuard.claim(new EmbeddedProcessGuard.Server("Redis",
                RedisExecutable.NAME, directory, pidFile, RedisPidFile::read,
                "set caravan.redis.embedded-data-dir to another directory, or REDIS_URL to a Redis server."));
        try {
            Path binary = RedisExecutable.installedIn(directory);
            for (int attempt = 1; ; attempt++) {
                int port = freePort();
                try {
                    long pid = launch(binary, directory, pidFile, port, maxMemory);
                    try {
                        guard.started(pid);
                    } catch (RuntimeException e) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy); // not left running unwatched
                        throw e;
                    }
                    LOG.info("embedded Redis started on port {} with its pid file in {} (set REDIS_URL to use a server)",
                            port, directory);
                    return new EmbeddedRedis(directory, port, pid, guard);
                } catch (PortTaken e) {
                    // another process took the free port between our check and Redis's bind: pick another
                    if (attempt == PORT_ATTEMPTS) {
                        throw new IllegalStateException("the embedded Redis found no free port: " + e.getMessage());
                    }
                }
            }
        } catch (IOException e) {
            guard.close();
            throw new UncheckedIOException("could not start the embedded Redis in " + directory, e);
        } catch (RuntimeException e) {
            guard.close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The redis-server's process id. */
    public long pid() {
        return pid;
    }

    public Path dataDir() {
        return dataDir;
    }

    public String url() {
        return "redis://" + HOST + ":" + port;
    }

    /** Stops the server (SIGTERM: a clean shutdown that writes nothing, no save point being set), then the guard. */
    @Override
    public void close() {
        try {
            ProcessHandle.of(pid).ifPresent(server -> {
                server.destroy();
                if (!exited(server, STOP_TIMEOUT)) {
                    LOG.warn("the embedded Redis (pid {}) did not stop within {} s; killing it", pid,
                            STOP_TIMEOUT.toSeconds());
                    server.destroyForcibly();
                    exited(server, STOP_TIMEOUT);
                }
            });
        } finally {
            guard.close();
        }
    }

    private static long launch(Path binary, Path directory, Path pidFile, int port, DataSize maxMemory)
            throws IOException {
        List<String> server = RedisServer.newRedisServer()
                .executableProvider(binary::toFile)
                .port(port)
                .bind(HOST)
                .setting("daemonize no")
                // nothing on disk: quota windows and cache entries are rebuilt by traffic after a restart
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("dir " + quoted(directory))
                .setting("pidfile " + quoted(pidFile))
                // every key Caravan writes has a TTL; at the bound the least recently used go first (README, Redis)
                .setting("maxmemory " + maxMemory.toBytes())
                .setting("maxmemory-policy allkeys-lru")
                .buildCommandArgs();
        // embedded-redis writes the settings to a temporary .conf file and passes it second: [binary, conf, --port, n]
        Path config = Path.of(server.get(1));
        List<String> command = new ArrayList<>();
        Path setsid = setsid();
        if (setsid != null) {
            command.add(setsid.toString());
        }
        command.addAll(server);
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .start();
        process.getOutputStream().close();
        Output output = Output.follow(process);
        try {
            output.ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            exited(process.toHandle(), STOP_TIMEOUT);
            String said = output.tail();
            if (said.contains("Address already in use")) {
                throw new PortTaken(said);
            }
            throw new IllegalStateException("the embedded Redis did not start"
                    + (e instanceof TimeoutException ? " within " + START_TIMEOUT.toSeconds() + " s" : "")
                    + "; it said:\n" + said);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the embedded Redis started", e);
        } finally {
            // Redis has read it (it would only write it back on CONFIG REWRITE); deleteOnExit misses a killed JVM
            Files.deleteIfExists(config);
        }
        // the pid file is written before Redis says it is ready; setsid execs Redis, so the pids agree anyway
        return RedisPidFile.read(pidFile).map(LeftoverServer::pid).orElse(process.pid());
    }

    /** setsid(1), on Linux: it makes Redis a session leader, out of the terminal's process group. */
    private static Path setsid() {
        for (String candidate : List.of("/usr/bin/setsid", "/bin/setsid")) {
            Path path = Path.of(candidate);
            if (Files.isExecutable(path)) {
                return path;
            }
        }
        return null;
    }

    /** A redis.conf string: Redis reads {@code "..."} with backslash escapes. */
    static String quoted(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static boolean exited(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }

    /** Redis could not bind the port it was given. */
    private static final class PortTaken extends RuntimeException {
        PortTaken(String output) {
            super(output.lines().filter(line -> line.contains("Address already in use")).findFirst().orElse(output));
        }
    }

    /**
     * Reads the server's console until it ends (at its exit): says when it is ready, keeps the last lines to
     * explain a failed start, and passes each line to the debug log (its start banner and notices are not the
     * gateway's news).
     */
    private static final class Output implements Runnable {

        private final Process process;
        private final Deque<String> last = new ArrayDeque<>();
        private final CompletableFuture<Void> ready = new CompletableFuture<>();

        private Output(Process process) {
            this.process = process;
        }

        static Output follow(Process process) {
            Output output = new Output(process);
            Thread thread = new Thread(output, "embedded-redis-output");
            thread.setDaemon(true);
            thread.start();
            return output;
        }

        @Override
        public void run() {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    LOG.debug("redis-server: {}", line);
                    keep(line);
                    if (line.contains("Ready to accept connections")) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the stream closed under us: the process is gone
            }
            ready.completeExceptionally(new IOException("redis-server exited"));
        }

        private synchronized void keep(String line) {
            if (last.size() == OUTPUT_LINES_KEPT) {
                last.removeFirst();
            }
            last.addLast(line);
        }

        synchronized String tail() {
            return String.join("\n", last);
        }
    }
}
