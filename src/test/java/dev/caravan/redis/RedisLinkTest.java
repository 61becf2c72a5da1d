package dev.caravan.redis;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** While Redis cannot be reached, requests find it unavailable at once and do not each start a connect. */
class RedisLinkTest {

    private final RedisClient client = RedisClient.create();
    private RedisLink connection;

    @AfterEach
    void close() {
        if (connection != null) {
            connection.close();
        }
        client.shutdown();
    }

    @Test
    void afterAFailedConnectRequestsDoNotRetryWithinTheRetryInterval() throws Exception {
        connection = new RedisLink(client, RedisURI.create("redis://127.0.0.1:" + closedPort()), Duration.ofMinutes(1),
                false);
        connection.connect().get(10, TimeUnit.SECONDS);

        for (int request = 0; request < 100; request++) {
            assertThat(connection.async()).isNull();
        }

        assertThat(connection.attempts()).isEqualTo(1);
        assertThat(connection.connected()).isFalse();
    }

    @Test
    void onceTheRetryIntervalHasPassedTheNextRequestConnectsAgain() throws Exception {
        connection = new RedisLink(client, RedisURI.create("redis://127.0.0.1:" + closedPort()), Duration.ZERO, false);
        connection.connect().get(10, TimeUnit.SECONDS);

        assertThat(connection.async()).isNull();

        await().atMost(Duration.ofSeconds(10)).until(() -> connection.attempts() == 2);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
