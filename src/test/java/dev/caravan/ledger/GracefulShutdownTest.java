package dev.caravan.ledger;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping a replica while calls are in flight: the calls finish, and every one of them is in the ledger
 * by the time the replica has stopped (nothing left in a queue).
 */
class GracefulShutdownTest extends GatewayTestSupport {

    @Test
    void inFlightRequestsFinishAndAllTheirLedgerRowsAreWrittenBeforeExit() throws Exception {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200).withFixedDelay(700)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "ok"))));
        ConfigurableApplicationContext replica = startReplica();
        int replicaPort = port(replica.getBean(CamelContext.class));

        List<String> ids = new ArrayList<>();
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = "shutdown-" + i + "-" + System.nanoTime();
            ids.add(id);
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + replicaPort + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + userKey)
                    .header("x-request-id", id)
                    .POST(HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"stub-a/model-a\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        // every call has reached the provider, none has been answered yet
        for (int i = 0; i < 100 && STUB.findAll(postRequestedFor(urlEqualTo("/a/v1/chat/completions"))).size() < 20; i++) {
            Thread.sleep(20);
        }

        replica.close();

        for (CompletableFuture<HttpResponse<String>> call : calls) {
            assertThat(call.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        // no waiting here: the replica has stopped, so its ledger queue must already be written
        Integer rows = jdbc.queryForObject("select count(*) from usage_ledger where client_request_id = any(?)", Integer.class,
                (Object) ids.toArray(new String[0]));
        assertThat(rows).isEqualTo(20);
        Integer open = jdbc.queryForObject("select count(*) from reservations where request_id in "
                + "(select request_id from usage_ledger where client_request_id = any(?))",
                Integer.class, (Object) ids.toArray(new String[0]));
        assertThat(open).isZero();
    }
}
