package dev.caravan.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.caravan.embedded.DataDirInUseException;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.vertx.core.Vertx;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The embedded redis-server on its own, without a gateway: it starts on a free port, answers through Caravan's
 * {@link RedisConnection} and Spring Data's factory, runs with the settings the README promises, and its data
 * directory is one gateway's at a time.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class EmbeddedRedisTest {

    private static final RedisProperties PROPERTIES = new RedisProperties("", Duration.ofSeconds(2), Duration.ofSeconds(2));

    @TempDir
    Path root;

    private final RedisConfiguration configuration = new RedisConfiguration();
    private EmbeddedRedis redis;
    private ClientResources resources;
    private RedisClient client;
    private RedisConnection connection;
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void stop() {
        if (connection != null) {
            connection.close();
        }
        vertx.close();
        if (client != null) {
            client.shutdown();
        }
        if (resources != null) {
            resources.shutdown();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void startsOnAFreePortAndAnswersPingThroughTheRedisConnection() throws Exception {
        redis = EmbeddedRedis.start(root.resolve("redis"), DataSize.ofMegabytes(64));

        assertThat(redis.port()).isPositive().isNotEqualTo(6379);
        assertThat(redis.url()).isEqualTo("redis://127.0.0.1:" + redis.port());
        RedisAsyncCommands<byte[], byte[]> commands = connect(new RedisServerAddress(redis.url(), true));
        assertThat(commands.ping().get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
    }

    @Test
    void aCommandSentFromAnEventLoopIsWrittenAndAnsweredOnThatLoop() throws Exception {
        redis = EmbeddedRedis.start(root.resolve("redis"), DataSize.ofMegabytes(64));
        RedisAsyncCommands<byte[], byte[]> other = connect(new RedisServerAddress(redis.url(), true));
        CompletableFuture<List<String>> threads = new CompletableFuture<>();

        vertx.runOnContext(ignored -> {
            String caller = Thread.currentThread().getName();
            RedisAsyncCommands<byte[], byte[]> commands = connection.async();
            if (commands == null || commands == other) {
                threads.completeExceptionally(new AssertionError("the event loop has no connection of its own"));
                return;
            }
            commands.ping().thenAccept(pong -> threads.complete(List.of(caller, Thread.currentThread().getName(), pong)));
        });

        List<String> names = threads.get(10, TimeUnit.SECONDS);
        assertThat(names.get(0)).startsWith("vert.x-eventloop-thread-");
        assertThat(names.get(1)).isEqualTo(names.get(0));
        assertThat(names.get(2)).isEqualTo("PONG");
        // a thread that is no event loop has the connection Lettuce's own I/O threads serve
        String otherThread = other.ping().thenApply(pong -> Thread.currentThread().getName()).toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertThat(otherThread).doesNotStartWith("vert.x-eventloop-thread-");
    }

    @Test
    void runsWithoutPersistenceBoundedByMaxMemoryWithLruEvictionOnLoopbackOnly() throws Exception {
        redis = EmbeddedRedis.start(root.resolve("redis"), DataSize.ofMegabytes(64));
        RedisAsyncCommands<byte[], byte[]> commands = connect(new RedisServerAddress(redis.url(), true));

        assertThat(config(commands, "save")).isEmpty();
        assertThat(config(commands, "appendonly")).isEqualTo("no");
        assertThat(config(commands, "maxmemory")).isEqualTo(Long.toString(DataSize.ofMegabytes(64).toBytes()));
        assertThat(config(commands, "maxmemory-policy")).isEqualTo("allkeys-lru");
        assertThat(config(commands, "bind")).isEqualTo("127.0.0.1");
        assertThat(Path.of(config(commands, "dir"))).isEqualTo(root.resolve("redis").toRealPath());
    }

    @Test
    void startsInADirectoryWhoseNameHasSpacesAndQuotes() throws Exception {
        Path dataDir = root.resolve("my \"data\" dir");
        redis = EmbeddedRedis.start(dataDir, DataSize.ofMegabytes(64));
        RedisAsyncCommands<byte[], byte[]> commands = connect(new RedisServerAddress(redis.url(), true));

        assertThat(Path.of(config(commands, "dir"))).isEqualTo(dataDir.toRealPath());
        assertThat(RedisPidFile.read(dataDir.resolve(RedisPidFile.NAME))).isPresent();
    }

    @Test
    void leavesNoTemporaryConfigurationFileBehind() throws Exception {
        redis = EmbeddedRedis.start(root.resolve("redis"), DataSize.ofMegabytes(64));
        RedisAsyncCommands<byte[], byte[]> commands = connect(new RedisServerAddress(redis.url(), true));

        String configFile = commands.info("server").get(5, TimeUnit.SECONDS).lines()
                .filter(line -> line.startsWith("config_file:")).findFirst().orElseThrow()
                .substring("config_file:".length()).trim();
        assertThat(configFile).endsWith(".conf");
        assertThat(Path.of(configFile)).doesNotExist();
    }

    @Test
    void writesItsPidFileRunsAsRedisServerAndRemovesThePidFileWhenStopped() throws IOException {
        Path dataDir = root.resolve("redis");
        redis = EmbeddedRedis.start(dataDir, DataSize.ofMegabytes(64));
        long pid = redis.pid();

        assertThat(RedisPidFile.read(dataDir.resolve(RedisPidFile.NAME))).get()
                .satisfies(server -> assertThat(server.pid()).isEqualTo(pid));
        assertThat(ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(c -> Path.of(c).getFileName().toString()))
                .contains(RedisExecutable.NAME);
        assertThat(Files.readString(root.resolve("redis.lock"), StandardCharsets.UTF_8))
                .contains("server-pid=" + pid);

        redis.close();
        redis = null;
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(dataDir.resolve(RedisPidFile.NAME)).doesNotExist();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void runsInASessionOfItsOwnSoCtrlCInTheGatewaysTerminalDoesNotReachIt() throws IOException {
        redis = EmbeddedRedis.start(root.resolve("redis"), DataSize.ofMegabytes(64));

        assertThat(session(redis.pid())).isNotEqualTo(session(ProcessHandle.current().pid()));
    }

    @Test
    void aSecondServerOnTheSameDataDirectoryIsRefusedAndTheDirectoryIsFreeAgainOnceStopped() throws Exception {
        Path dataDir = root.resolve("redis");
        redis = EmbeddedRedis.start(dataDir, DataSize.ofMegabytes(64));

        assertThatThrownBy(() -> EmbeddedRedis.start(dataDir, DataSize.ofMegabytes(64)))
                .isInstanceOf(DataDirInUseException.class)
                .hasMessageContaining("embedded Redis data directory");

        redis.close();
        redis = EmbeddedRedis.start(dataDir, DataSize.ofMegabytes(64));
        assertThat(connect(new RedisServerAddress(redis.url(), true)).ping().get(5, TimeUnit.SECONDS)).isEqualTo("PONG");
    }

    @Test
    void springDatasConnectionFactoryUsesTheSameServer() throws Exception {
        redis = EmbeddedRedis.start(root.resolve("redis"), DataSize.ofMegabytes(64));
        RedisServerAddress address = new RedisServerAddress(redis.url(), true);
        RedisAsyncCommands<byte[], byte[]> commands = connect(address);
        LettuceConnectionFactory factory = configuration.redisConnectionFactory(resources, address, PROPERTIES);
        factory.afterPropertiesSet();
        try {
            new StringRedisTemplate(factory).opsForValue().set("caravan:test:spring-data", "through Spring Data");

            assertThat(commands.get("caravan:test:spring-data".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS))
                    .asString(StandardCharsets.UTF_8).isEqualTo("through Spring Data");
        } finally {
            factory.destroy();
        }
    }

    @Test
    void camelSpringRedisEndpointsReachTheServerThroughTheConnectionFactoryBean() throws Exception {
        redis = EmbeddedRedis.start(root.resolve("redis"), DataSize.ofMegabytes(64));
        RedisServerAddress address = new RedisServerAddress(redis.url(), true);
        RedisAsyncCommands<byte[], byte[]> commands = connect(address);
        LettuceConnectionFactory factory = configuration.redisConnectionFactory(resources, address, PROPERTIES);
        factory.afterPropertiesSet();
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("redisConnectionFactory", factory);
            camel.start();
            ProducerTemplate producer = camel.createProducerTemplate();
            // the host and port in the path are those of a server that is not there: only the factory leads to Redis
            String endpoint = "spring-redis://127.0.0.1:1?connectionFactory=#redisConnectionFactory";

            producer.sendBodyAndHeaders(endpoint + "&command=SET", null,
                    Map.of("CamelRedis.Key", "caravan:test:camel", "CamelRedis.Value", "through a route"));

            assertThat(producer.requestBodyAndHeaders(endpoint + "&command=GET", null,
                    Map.of("CamelRedis.Key", "caravan:test:camel"))).isEqualTo("through a route");
            assertThat(commands.dbsize().get(5, TimeUnit.SECONDS)).isEqualTo(1L);
        } finally {
            factory.destroy();
        }
    }

    private RedisAsyncCommands<byte[], byte[]> connect(RedisServerAddress address) {
        resources = configuration.redisClientResources();
        client = configuration.redisClient(resources, PROPERTIES, List.of());
        connection = configuration.redisConnection(client, resources, vertx, address, PROPERTIES, List.of());
        return await().atMost(Duration.ofSeconds(10)).until(connection::async, commands -> commands != null);
    }

    private static String config(RedisAsyncCommands<byte[], byte[]> commands, String name) throws Exception {
        Map<String, String> values = commands.configGet(name).get(5, TimeUnit.SECONDS);
        return values.get(name);
    }

    /** The session id, field 6 of /proc/<pid>/stat (after the command name in parentheses). */
    private static String session(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        List<String> fields = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
        return fields.get(3);
    }
}
