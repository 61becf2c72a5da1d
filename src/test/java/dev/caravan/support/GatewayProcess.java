package dev.caravan.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.database.PostmasterPidFile;
import dev.caravan.embedded.LeftoverServer;
import dev.caravan.redis.RedisPidFile;

import static org.awaitility.Awaitility.await;

/**
 * The gateway as users start it: a separate JVM running {@code dev.caravan.CaravanApplication} from the
 * project directory (so {@code application.yaml}, {@code routes/} and {@code config/} are found), on the
 * embedded PostgreSQL in a data directory of the test's choosing and the embedded Redis beside it
 * ({@link #redisDataDir}), with its console written to a file.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final Pattern ADMIN_KEY = Pattern.compile("cvn_live_[A-Za-z0-9_-]+");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path console;

    private GatewayProcess(Process process, int port, Path console) {
        this.process = process;
        this.port = port;
        this.console = console;
    }

    /**
     * Starts a gateway on the embedded PostgreSQL in {@code dataDir} and the embedded Redis in
     * {@link #redisDataDir}, without an admin key configured; {@code settings} ({@code --key=value}) come after
     * the defaults and so override them.
     */
    public static GatewayProcess start(Path dataDir, Path console, String... settings) {
        int port = freePort();
        // one value per setting: Spring Boot would join a repeated --key=value into a list
        Map<String, String> arguments = new LinkedHashMap<>();
        arguments.put("server.port", Integer.toString(port));
        arguments.put("caravan.database.url", "");
        arguments.put("caravan.database.embedded-data-dir", dataDir.toString());
        arguments.put("caravan.redis.url", "");
        arguments.put("caravan.redis.embedded-data-dir", redisDataDir(dataDir).toString());
        arguments.put("caravan.auth.admin-key", "");
        arguments.put("camel.main.jmx-enabled", "false");
        arguments.put("camel.main.routes-reload-enabled", "false");
        arguments.put("caravan.warm-up.calls", "0");
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            arguments.put(setting.substring(2, equals), setting.substring(equals + 1));
        }
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "-cp", productionClassPath(),
                "dev.caravan.CaravanApplication"));
        arguments.forEach((key, value) -> command.add("--" + key + "=" + value));
        try {
            Process process = new ProcessBuilder(command)
                    .directory(Path.of("").toAbsolutePath().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(console.toFile())
                    .start();
            return new GatewayProcess(process, port, console);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The embedded Redis's directory of a gateway on {@code dataDir}: beside it, under the test's folder. */
    public static Path redisDataDir(Path dataDir) {
        return dataDir.resolveSibling("redis");
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public String console() {
        try {
            return Files.readString(console, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code GET /health} answers 200; fails early with the console if the JVM exits first. */
    public GatewayProcess awaitHealthy() {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the gateway exited with " + process.exitValue() + ":\n" + console());
            }
            return healthStatus() == 200;
        });
        return this;
    }

    public int healthStatus() {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri("/health")).timeout(Duration.ofSeconds(5)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The admin key the first start on an empty data directory printed. */
    public Optional<String> printedAdminKey() {
        Matcher matcher = ADMIN_KEY.matcher(console());
        return matcher.find() ? Optional.of(matcher.group()) : Optional.empty();
    }

    /**
     * What a user does first (README, Quick start): with the admin key, a user with credits and a key, then a
     * chat completion on the built-in {@code demo} provider. Returns that call's response.
     */
    public HttpResponse<String> chatAsNewUser(String adminKey) {
        JsonNode user = json(post("/admin/users", adminKey,
                "{\"name\":\"Ada\",\"email\":\"ada-" + System.nanoTime() + "@example.com\"}"));
        String userId = user.get("id").asText();
        json(post("/admin/users/" + userId + "/credits", adminKey,
                "{\"amount\":5,\"kind\":\"topup\",\"reason\":\"welcome credits\"}"));
        String key = json(post("/admin/users/" + userId + "/keys", adminKey, "{\"name\":\"laptop\"}"))
                .get("key").asText();
        return post("/v1/chat/completions", key,
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");
    }

    /** SIGKILL, as kill -9 or the OOM killer would: no shutdown hook runs. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The processes the gateway started and that are still its children (the PostgreSQL watchdog). */
    public List<ProcessHandle> children() {
        return process.children().collect(Collectors.toList());
    }

    @Override
    public void close() {
        List<ProcessHandle> children = children();
        kill();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /**
     * Ends every given gateway and whatever PostgreSQL and Redis are still running on {@code dataDir} and beside
     * it (SIGINT, as their watchdogs would), then deletes {@code root}: no process or file of a test outlives it.
     */
    public static void cleanUp(List<GatewayProcess> gateways, Path dataDir, Path root) throws IOException {
        gateways.forEach(GatewayProcess::close);
        Stream.of(PostmasterPidFile.read(dataDir.resolve(PostmasterPidFile.NAME)),
                        RedisPidFile.read(redisDataDir(dataDir).resolve(RedisPidFile.NAME)))
                .flatMap(Optional::stream).map(LeftoverServer::pid)
                .filter(GatewayProcess::alive).forEach(pid -> {
                    try {
                        new ProcessBuilder("kill", "-INT", Long.toString(pid)).start().waitFor();
                    } catch (IOException e) {
                        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    await().atMost(Duration.ofSeconds(30)).until(() -> !alive(pid));
                });
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    public static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    public HttpResponse<String> get(String path, String bearer) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + bearer).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> post(String path, String bearer, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(response.request().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /**
     * The test JVM's class path without the test classes, so the child runs the gateway as shipped. Surefire
     * starts its JVM from a manifest-only jar and keeps the real path in {@code surefire.test.class.path}.
     */
    private static String productionClassPath() {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(entry -> !entry.endsWith("test-classes") && !entry.endsWith("test-classes" + File.separator))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
