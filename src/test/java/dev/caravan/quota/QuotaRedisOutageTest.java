package dev.caravan.quota;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import redis.embedded.RedisServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The quota steps while their Redis goes away, turns slow and comes back, on a redis-server of this test's own:
 * a fail-open step serves without limits (and without rate-limit headers), a fail-closed one answers 503
 * {@code rate_limiter_unavailable}; neither waits for Redis longer than its timeout (100 ms), and both count
 * against Redis again once it is back, without a restart.
 */
// a gateway of its own on this Redis, closed after these tests
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class QuotaRedisOutageTest extends QuotaTestSupport {

    /**
     * What an answer may take while Redis is away or paused: Redis's share of it is bounded by its 100 ms
     * timeout; the rest is a generous allowance for a loaded 2-core machine. Far below the pause below, so an
     * answer that waited for Redis fails it.
     */
    private static final Duration ANSWERED_WITHIN = Duration.ofMillis(2_000);
    private static final int PAUSE_MILLIS = 6_000;

    private static final int PORT = freePort();
    private static RedisServer server = start();

    @Autowired
    MeterRegistry meters;

    @DynamicPropertySource
    static void ownRedis(DynamicPropertyRegistry registry) {
        registry.add("test.redis.url", () -> "redis://127.0.0.1:" + PORT);
        registry.add("test.redis.timeout", () -> "100ms"); // the default, which the tests above measure against
    }

    @AfterAll
    static void stopRedis() throws IOException {
        server.stop();
    }

    @Test
    void failOpenServesAndFailClosedRefusesWhileRedisIsDownThenBothCountAgain() throws IOException {
        providerAnswers();
        Account account = account();
        assertThat(limitHeader(chat(account.key(), request("quota-open", 10)))).isEqualTo("100");
        assertThat(limitHeader(chat(account.key(), request("quota-closed", 10)))).isEqualTo("100");
        double openBefore = unavailable("open");
        double closedBefore = unavailable("closed");

        server.stop();

        HttpResponse<String> open = timed(() -> chat(account.key(), request("quota-open", 10)));
        assertThat(open.statusCode()).as(open.body()).isEqualTo(200);
        assertThat(limitHeader(open)).isNull();
        HttpResponse<String> closed = timed(() -> chat(account.key(), request("quota-closed", 10)));
        assertThat(closed.statusCode()).isEqualTo(503);
        assertThat(json(closed.body()).at("/error/type").asText()).isEqualTo("api_error");
        assertThat(json(closed.body()).at("/error/code").asText()).isEqualTo("rate_limiter_unavailable");
        assertThat(json(closed.body()).at("/error/message").asText()).contains("Rate limits cannot be checked");
        assertThat(unavailable("open")).isEqualTo(openBefore + 1);
        assertThat(unavailable("closed")).isEqualTo(closedBefore + 1);

        // back on the same port: the gateway reconnects by itself, and the scripts are loaded again (NOSCRIPT)
        server = start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> again = chat(account.key(), request("quota-closed", 10));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(limitHeader(again)).isEqualTo("100");
        });
        assertThat(limitHeader(chat(account.key(), request("quota-open", 10)))).isEqualTo("100");
        RedisClient own = RedisClient.create("redis://127.0.0.1:" + PORT);
        try (var connection = own.connect()) {
            assertThat(connection.sync().exists(keyBucket(account, "open", "rpm"))).isEqualTo(1);
        } finally {
            own.shutdown();
        }
    }

    @Test
    void aRedisThatDoesNotAnswerCostsACallNoMoreThanItsTimeout() {
        providerAnswers();
        Account account = account();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> limitHeader(chat(account.key(), request("quota-closed", 10))) != null);

        RedisClient pauser = RedisClient.create("redis://127.0.0.1:" + PORT);
        try (var connection = pauser.connect()) {
            // every client's commands wait for PAUSE_MILLIS; the connection stays up
            connection.sync().clientPause(PAUSE_MILLIS);
            HttpResponse<String> open = timed(() -> chat(account.key(), request("quota-open", 10)));
            assertThat(open.statusCode()).isEqualTo(200);
            assertThat(limitHeader(open)).isNull();
            HttpResponse<String> closed = timed(() -> chat(account.key(), request("quota-closed", 10)));
            assertThat(closed.statusCode()).isEqualTo(503);
            assertThat(json(closed.body()).at("/error/code").asText()).isEqualTo("rate_limiter_unavailable");
        } finally {
            pauser.shutdown();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> "100".equals(limitHeader(chat(account.key(), request("quota-closed", 10)))));
    }

    private static HttpResponse<String> timed(java.util.function.Supplier<HttpResponse<String>> call) {
        long start = System.nanoTime();
        HttpResponse<String> response = call.get();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWERED_WITHIN);
        return response;
    }

    private static String limitHeader(HttpResponse<String> response) {
        return header(response, "x-ratelimit-limit-requests");
    }

    private double unavailable(String mode) {
        return meters.counter("caravan.quota.unavailable", "mode", mode).count();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RedisServer start() {
        try {
            RedisServer started = RedisServer.newRedisServer().bind("127.0.0.1").port(PORT)
                    .setting("save \"\"").setting("appendonly no").build();
            started.start();
            return started;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
