package dev.caravan.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.zaxxer.hikari.HikariDataSource;
import dev.caravan.CaravanApplication;
import dev.caravan.account.ApiKey;
import dev.caravan.account.KeyService;
import dev.caravan.account.UserStore;
import dev.caravan.billing.WalletService;
import dev.caravan.ledger.Reconciliation;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.sync.RedisCommands;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts the real gateway (all of routes/ plus the test's stub providers and profiles) on a random port, with
 * a WireMock upstream that speaks the providers' wire format. The Spring context, and so Camel, is shared by
 * every test class that extends this one.
 */
@CamelSpringBootTest
@SpringBootTest(classes = CaravanApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
public abstract class GatewayTestSupport {

    protected static final ObjectMapper JSON = new ObjectMapper();
    protected static final WireMockServer STUB = new WireMockServer(options().dynamicPort().containerThreads(200));
    /** A watched routes folder of the tests' own, so reload tests never touch routes/. */
    protected static final Path TEST_ROUTES;
    protected static final LiveStub LIVE = new LiveStub();
    /** An upstream that never answers (the resilience tests' first-byte deadline). */
    protected static final SilentUpstream SILENT = new SilentUpstream();
    /**
     * The alert webhooks' receiver (test-routes/alert-webhooks.yaml): its own server, so alerts raised by any test
     * never show among the provider stub's requests. It answers 200 unless a test says otherwise.
     */
    /** This run's replicas agree on who sends an alert under these Redis keys; an earlier run's never interfere. */
    protected static final String ALERT_CLAIMS = "caravan:alerts:test:" + UUID.randomUUID();
    protected static final WireMockServer ALERT_HOOKS = new WireMockServer(options().dynamicPort().containerThreads(50));
    /** The admin key the test gateway is configured with. */
    private static RedisClient redisClient;
    private static RedisCommands<String, String> redis;

    protected static final String ADMIN_KEY = "cvn_live_TestAdminKey0123456789abcdefghijklmnop";
    private static final int CLOSED_PORT;

    static {
        STUB.start();
        ALERT_HOOKS.start();
        ALERT_HOOKS.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.anyUrl()).atPriority(10)
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.ok()));
        try {
            TEST_ROUTES = Files.createTempDirectory("caravan-test-routes");
            for (var resource : new PathMatchingResourcePatternResolver().getResources("classpath:test-routes/*.yaml")) {
                try (InputStream in = resource.getInputStream()) {
                    Files.copy(in, TEST_ROUTES.resolve(resource.getFilename()));
                }
            }
            try (ServerSocket socket = new ServerSocket(0)) {
                CLOSED_PORT = socket.getLocalPort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void gatewayProperties(DynamicPropertyRegistry registry) {
        registry.add("stub.url", STUB::baseUrl);
        registry.add("stub.live-url", LIVE::baseUrl);
        registry.add("stub.closed-port", () -> CLOSED_PORT);
        registry.add("stub.silent-url", SILENT::baseUrl);
        registry.add("stub.alerts-url", ALERT_HOOKS::baseUrl);
        registry.add("caravan.alerts.shared-window-key", () -> ALERT_CLAIMS);
        // alert deliveries give up fast, so a test can see a hanging webhook's alert dropped
        registry.add("caravan.alerts.delivery-timeout", () -> "3s");
        registry.add("caravan.alerts.delivery.retries", () -> "2");
        registry.add("caravan.alerts.delivery.backoff", () -> "100");
        registry.add("caravan.alerts.delivery.max-backoff", () -> "500");
        registry.add("camel.main.routes-include-pattern",
                () -> "file:routes/**/*.yaml,file:" + TEST_ROUTES + "/**/*.yaml");
        registry.add("camel.main.routes-reload-directory", TEST_ROUTES::toString);
        registry.add("caravan.redis.url", () -> "${test.redis.url:redis://127.0.0.1:6379}");
        // 1 s, not the 100 ms default: on a loaded 2-core test machine a quota could fail open (serve unlimited, by
        // design) and a test of exact limits would see it; QuotaRedisOutageTest sets the default back to test it
        registry.add("caravan.redis.timeout", () -> "${test.redis.timeout:1s}");
        registry.add("caravan.http.max-request-size", () -> "256KB");
        // the shipped profiles' quota step: far from any test's load, unless a test sets test.quota.* itself
        registry.add("caravan.quota.key-rpm", () -> "${test.quota.key-rpm:1000000}");
        registry.add("caravan.quota.user-rpm", () -> "${test.quota.user-rpm:1000000}");
        registry.add("caravan.quota.key-tpm", () -> "${test.quota.key-tpm:1000000000}");
        registry.add("caravan.quota.user-tpm", () -> "${test.quota.user-tpm:1000000000}");
        registry.add("server.port", () -> 0);
        // a test context starts cold; a test may set test.warm-up.calls (WarmUpTest)
        registry.add("caravan.warm-up.calls", () -> "${test.warm-up.calls:0}");
        // credit leases go back soon after their calls, so tests can check that nothing stays reserved
        registry.add("caravan.billing.lease-idle", () -> "200ms");
        // a test context holds its pool open while Spring caches it, and replicas add theirs: a small pool each keeps
        // the whole run under the server's 100 connections
        registry.add("caravan.database.max-pool-size", () -> "${test.database.max-pool-size:8}");
        registry.add("caravan.billing.lease-heartbeat", () -> "50ms");
        TestDatabase.register(registry);
        registry.add("caravan.auth.admin-key", () -> ADMIN_KEY);
        registry.add("caravan.auth.jwt-hs256-secret", () -> TestJwt.HS256_SECRET);
        registry.add("caravan.auth.jwt-jwks", TestJwt::publicJwks);
    }

    @Autowired
    protected CamelContext camel;

    @Autowired
    protected KeyService keyService;
    @Autowired
    protected UserStore users;
    @Autowired
    protected WalletService wallets;
    @Autowired
    protected JdbcTemplate jdbc;
    @Autowired
    protected Reconciliation reconciliation;

    /** The wallets this test made: after it, their books must add up (see {@link #booksBalance}). */
    private final List<UUID> testWallets = new ArrayList<>();

    /** A user key with $1000 in its wallet, used by default for every request of the tests. */
    protected static String userKey;
    protected static UUID userId;

    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Autowired
    private CircuitBreakerRegistry circuitBreakers;

    @BeforeEach
    void resetStub() {
        STUB.resetAll();
    }

    /** Every test starts with closed provider breakers: failures an earlier test provoked do not skip providers. */
    @BeforeEach
    void closeBreakers() {
        circuitBreakers.getAllCircuitBreakers().forEach(CircuitBreaker::reset);
    }

    @BeforeEach
    void ensureTestUser() {
        if (userKey == null) {
            Account account = newAccount(new BigDecimal("1000"));
            userId = account.userId();
            userKey = account.key();
        }
    }

    /**
     * After every test, each wallet it made reconciles: its balance is its top-ups minus its ledger charges, and
     * it holds exactly its open reservations and leases (settlements in flight are waited for).
     */
    @AfterEach
    void booksBalance() {
        if (testWallets.isEmpty() || !chargesGoThroughTheLedger()) {
            return;
        }
        if (userId != null && !testWallets.contains(userId)) {
            testWallets.add(userId);
        }
        Awaitility.await("reconciliation of the test's wallets").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100)).untilAsserted(() -> assertThat(reconciliation.run().differences())
                        .filteredOn(difference -> testWallets.contains(difference.userId())).isEmpty());
    }

    /**
     * False for tests of the wallet itself, which charge through WalletService directly, without ledger rows:
     * their wallets cannot reconcile against the ledger, and they assert the exact balances themselves.
     */
    protected boolean chargesGoThroughTheLedger() {
        return true;
    }

    /** A user with a wallet holding {@code credits} and one key without limits. */
    protected record Account(UUID userId, UUID keyId, String key) {
    }

    protected Account newAccount(BigDecimal credits) {
        return newAccount(credits, null, null);
    }

    protected Account newAccount(BigDecimal credits, BigDecimal dailyBudget, BigDecimal monthlyBudget) {
        UserStore.User user = users.create("user-" + UUID.randomUUID() + "@caravan.test", "Test user");
        testWallets.add(user.id());
        if (credits.signum() > 0) {
            wallets.credit(user.id(), credits, "topup", "test setup", "tests");
        }
        KeyService.Issued issued = keyService.issue(new ApiKey(null, user.id(), "test key", null, true, false, List.of(),
                null, null, List.of(), List.of(), dailyBudget, monthlyBudget, null, null, null, null));
        return new Account(user.id(), issued.key().id(), issued.secret());
    }

    protected String baseUrl() {
        return "http://localhost:" + port();
    }

    /** The port the gateway's HTTP server listens on (the tests start it on a free one). */
    protected int port() {
        return port(camel);
    }

    protected static int port(CamelContext context) {
        return context.hasService(VertxPlatformHttpServer.class).getServer().actualPort();
    }

    /**
     * A second gateway in this JVM, as another replica of this test's: its own HTTP server on a free port, the same
     * PostgreSQL schema, Redis, routes and stubs. {@code more}: further command-line arguments, which win over
     * application.yaml as an operator's would. The caller closes it.
     */
    protected ConfigurableApplicationContext startReplica(String... more) {
        return startReplicaWithRoutes("file:routes/**/*.yaml,file:" + TEST_ROUTES + "/**/*.yaml", more);
    }

    /** {@link #startReplica} loading only the route files {@code routesPattern} names (Camel's include pattern). */
    protected ConfigurableApplicationContext startReplicaWithRoutes(String routesPattern, String... more) {
        HikariDataSource dataSource = (HikariDataSource) jdbc.getDataSource();
        // one value per setting: Spring Boot would join a repeated --key=value into a list
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("server.port", "0");
        settings.put("camel.main.jmx-enabled", "false");
        settings.put("camel.main.routes-reload-enabled", "false");
        settings.put("camel.main.routes-include-pattern", routesPattern);
        settings.put("stub.url", STUB.baseUrl());
        settings.put("stub.silent-url", SILENT.baseUrl());
        settings.put("stub.live-url", LIVE.baseUrl());
        settings.put("stub.alerts-url", ALERT_HOOKS.baseUrl());
        settings.put("caravan.alerts.shared-window-key", ALERT_CLAIMS);
        settings.put("stub.closed-port", "1");
        settings.put("caravan.warm-up.calls", "0");
        settings.put("caravan.redis.url", System.getProperty("test.redis.url", "redis://127.0.0.1:6379"));
        settings.put("caravan.redis.timeout", "1s");
        settings.put("caravan.database.url", dataSource.getJdbcUrl());
        settings.put("caravan.database.username", dataSource.getUsername() == null ? "" : dataSource.getUsername());
        settings.put("caravan.database.password", dataSource.getPassword() == null ? "" : dataSource.getPassword());
        settings.put("caravan.database.schema", TestDatabase.SCHEMA);
        settings.put("caravan.database.max-pool-size", "8");
        settings.put("caravan.auth.admin-key", ADMIN_KEY);
        List<String> args = new ArrayList<>();
        for (String setting : more) {
            int equals = setting.indexOf('=');
            if (setting.startsWith("--") && equals > 0) {
                settings.put(setting.substring(2, equals), setting.substring(equals + 1));
            } else {
                args.add(setting);
            }
        }
        settings.forEach((key, value) -> args.add("--" + key + "=" + value));
        return new SpringApplicationBuilder(CaravanApplication.class).run(args.toArray(String[]::new));
    }

    /** Commands on the tests' Redis (quota windows, cache entries), one connection for the whole run. */
    protected static synchronized RedisCommands<String, String> redis() {
        if (redis == null) {
            redisClient = RedisClient.create(System.getProperty("test.redis.url", "redis://127.0.0.1:6379"));
            redis = redisClient.connect().sync();
        }
        return redis;
    }

    @AfterAll
    static synchronized void closeRedis() {
        if (redisClient != null) {
            redisClient.shutdown();
            redisClient = null;
            redis = null;
        }
    }

    protected HttpResponse<String> postJson(String path, String body) {
        return postJson(path, body, userKey);
    }

    protected HttpResponse<String> postJson(String path, String body, String key) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    protected HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + userKey)
                .GET().build());
    }

    protected HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    protected static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The OpenAI error object of an error response, checking its shape on the way. */
    protected static JsonNode error(HttpResponse<String> response) {
        JsonNode error = json(response.body()).get("error");
        if (error == null || !error.has("message") || !error.has("type") || !error.has("param") || !error.has("code")) {
            throw new AssertionError("not an OpenAI-shaped error: " + response.body());
        }
        return error;
    }
}
