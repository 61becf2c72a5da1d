package dev.caravan.ops;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.zaxxer.hikari.HikariDataSource;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.TcpProxy;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A replica whose PostgreSQL goes away (its connections cut, its port closed) turns not ready, with the reason,
 * while it stays live (a restart would not bring the database back); it turns ready again when the database is.
 */
class DatabaseReadinessTest extends GatewayTestSupport {

    @Test
    void readinessFollowsTheDatabaseAndLivenessDoesNot() {
        URI database = URI.create(((HikariDataSource) jdbc.getDataSource()).getJdbcUrl().substring("jdbc:".length()));
        try (TcpProxy proxy = new TcpProxy(database.getHost(), database.getPort());
                ConfigurableApplicationContext replica = startReplica("--caravan.database.url=jdbc:postgresql://"
                        + "127.0.0.1:" + proxy.port() + database.getRawPath()
                        + (database.getRawQuery() == null ? "" : "?" + database.getRawQuery()))) {
            String base = "http://localhost:" + port(replica.getBean(CamelContext.class));
            assertThat(get(base, "/health/ready").statusCode()).isEqualTo(200);

            proxy.cut();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> readiness = get(base, "/health/ready");
                assertThat(readiness.statusCode()).isEqualTo(503);
                assertThat(json(readiness.body()).at("/details/database/status").asText()).isEqualTo("DOWN");
            });
            assertThat(get(base, "/actuator/health/readiness").statusCode()).isEqualTo(503);
            assertThat(get(base, "/health/live").statusCode()).isEqualTo(200);
            assertThat(get(base, "/actuator/health/liveness").statusCode()).isEqualTo(200);

            proxy.restore();

            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(get(base, "/health/ready").statusCode()).isEqualTo(200));
        }
    }

    private HttpResponse<String> get(String base, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET().build());
    }
}
