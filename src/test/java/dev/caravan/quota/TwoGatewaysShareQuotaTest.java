package dev.caravan.quota;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateways on one PostgreSQL and one Redis (this test's and a second one started beside it) enforce one
 * limit: a key's 30 requests a minute are 30 in all, however its calls are spread over the replicas.
 */
class TwoGatewaysShareQuotaTest extends QuotaTestSupport {

    @Test
    void aKeysLimitIsOneLimitOverBothGateways() {
        providerAnswers();
        Account account = account();
        try (ConfigurableApplicationContext replica = startReplica()) {
            int replicaPort = port(replica.getBean(CamelContext.class));
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            // ten one after the other, five through each gateway, then seventy at once, half through each: each
            // gateway has more calls than the limit has left, so both serve and both refuse
            for (int i = 0; i < 80; i++) {
                int gatewayPort = i % 2 == 0 ? port() : replicaPort;
                CompletableFuture<HttpResponse<String>> call = http.sendAsync(HttpRequest.newBuilder(URI.create(
                                "http://localhost:" + gatewayPort + "/v1/chat/completions"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + account.key())
                        .header("x-request-id", (gatewayPort == replicaPort ? "replica-" : "test-") + i)
                        .POST(HttpRequest.BodyPublishers.ofString(request("quota-rpm", 10))).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (i < 10) {
                    call.join();
                }
                calls.add(call);
            }
            List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

            List<HttpResponse<String>> served = responses.stream().filter(r -> r.statusCode() == 200).toList();
            assertThat(served).hasSize(30);
            assertThat(responses).filteredOn(r -> r.statusCode() == 429).hasSize(50);
            // both gateways served and refused calls of the one limit
            assertThat(served).anyMatch(r -> header(r, "x-request-id").startsWith("replica-"))
                    .anyMatch(r -> header(r, "x-request-id").startsWith("test-"));
            assertThat(responses).filteredOn(r -> r.statusCode() == 429)
                    .anyMatch(r -> header(r, "x-request-id").startsWith("replica-"))
                    .anyMatch(r -> header(r, "x-request-id").startsWith("test-"));
            assertThat(providerCalls).hasValue(30);
        }
    }
}
