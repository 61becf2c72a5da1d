package dev.caravan.redis;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose configured Redis is not there (a closed port) starts, says so in one log line, stays ready,
 * shows Redis down in {@code /health} and serves model calls: Redis is never a reason to refuse traffic.
 */
@TestPropertySource(properties = "test.redis.url=redis://127.0.0.1:${stub.closed-port}")
@ExtendWith(OutputCaptureExtension.class) // from before the Spring context starts: its start is in the capture
class RedisUnreachableTest extends GatewayTestSupport {

    @Value("${stub.closed-port}")
    int closedPort;

    @Autowired
    RedisConnectionFactory connectionFactory;

    @Test
    void theGatewayStartedAndLoggedThatRedisIsNotReachable(CapturedOutput output) {
        assertThat(output.getAll()).containsPattern(
                "WARN .*RedisConnection : Redis at 127\\.0\\.0\\.1:" + closedPort + " is not reachable");
    }

    @Test
    void healthShowsRedisDownWhileReadinessStaysUp() {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        JsonNode body = json(health.body());
        assertThat(body.get("status").asText()).isEqualTo("degraded");
        assertThat(body.at("/redis/status").asText()).isEqualTo("down");
        assertThat(body.at("/redis/embedded").asBoolean()).isFalse();
        assertThat(body.at("/redis/ping_ms").isNull()).isTrue();

        HttpResponse<String> readiness = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/actuator/health/readiness"))
                .GET().build());
        assertThat(readiness.statusCode()).isEqualTo(200);
        assertThat(json(readiness.body()).get("status").asText()).isEqualTo("UP");
    }

    @Test
    void modelCallsAreServed() {
        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"demo\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response.body()).at("/choices/0/message/content").asText()).isNotEmpty();
    }

    @Test
    void springDataUsesTheConfiguredServerNotSpringBootsLocalhostDefault() {
        assertThat(connectionFactory).isInstanceOf(LettuceConnectionFactory.class);
        LettuceConnectionFactory lettuce = (LettuceConnectionFactory) connectionFactory;
        assertThat(lettuce.getHostName()).isEqualTo("127.0.0.1");
        assertThat(lettuce.getPort()).isEqualTo(closedPort);
    }
}
