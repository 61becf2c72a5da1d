package dev.caravan.ledger;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.LiveStub;
import dev.caravan.support.OpenAiFixtures;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/** One ledger row per request, written off the request path, for every way a request can end. */
class LedgerTest extends GatewayTestSupport {

    @Autowired
    ProducerTemplate producer;

    private Map<String, Object> ledgerRow(HttpResponse<?> response) throws InterruptedException {
        return ledgerRow(response.headers().firstValue("x-request-id").orElseThrow());
    }

    private Map<String, Object> ledgerRow(String requestId) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var rows = jdbc.queryForList("select * from usage_ledger where request_id = ? or client_request_id = ?",
                    requestId, requestId);
            if (!rows.isEmpty()) {
                return rows.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no ledger row for " + requestId);
    }

    @Test
    void successIsRecordedWithTokensCostAndIsChargedExactly() throws Exception {
        Account account = newAccount(new BigDecimal("1.00"));
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "hello"))));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", account.key());

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> row = ledgerRow(response);
        assertThat(row.get("user_id")).isEqualTo(account.userId());
        assertThat(row.get("key_id")).isEqualTo(account.keyId());
        assertThat(row.get("profile")).isEqualTo("ab");
        assertThat(row.get("provider")).isEqualTo("stub-a");
        assertThat(row.get("model")).isEqualTo("model-a");
        assertThat(row.get("prompt_tokens")).isEqualTo(12L);
        assertThat(row.get("completion_tokens")).isEqualTo(5L);
        assertThat((BigDecimal) row.get("cost")).isEqualByComparingTo("0.00027");
        assertThat(row.get("status")).isEqualTo(200);
        assertThat(row.get("outcome")).isEqualTo("completed");
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat(row.get("estimated")).isEqualTo(false);
        assertThat(json(response.body()).at("/usage/cost").decimalValue()).isEqualByComparingTo("0.00027");
        awaitBalance(account, "0.99973");
    }

    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    @Test
    void creditLeasesArePublishedAsMetrics() throws Exception {
        Account account = newAccount(new BigDecimal("1.00"));
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "hello"))));
        assertThat(postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                account.key()).statusCode()).isEqualTo(200);

        // /actuator/prometheus shows these as caravan_credit_lease_takes_total, caravan_credit_leases and
        // caravan_credit_leased_usd (tests run without the Prometheus export)
        assertThat(meters.get("caravan.credit.lease.takes").counter().count()).isPositive();
        // the lease itself may already be back (tests return idle leases after 200 ms): the gauges must exist
        assertThat(meters.get("caravan.credit.leases").gauge().value()).isNotNegative();
        assertThat(meters.get("caravan.credit.leased").gauge().value()).isNotNegative();
    }

    @Test
    void aReusedClientRequestIdNeitherHidesNorFailsACall() throws Exception {
        Account account = newAccount(new BigDecimal("1.00"));
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "hello"))));
        String clientId = "same-id-" + UUID.randomUUID();

        for (int i = 0; i < 2; i++) {
            HttpResponse<String> response = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl()
                    + "/v1/chat/completions")).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + account.key()).header("x-request-id", clientId)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"model\":\"ab\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .build());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("x-request-id")).hasValue(clientId);
        }

        // both calls are recorded and charged: the ledger keys on Caravan's own id, the client's is kept beside it
        awaitBalance(account, "0.99946");
        assertThat(jdbc.queryForObject("select count(distinct request_id) from usage_ledger where client_request_id = ?",
                Integer.class, clientId)).isEqualTo(2);
        // and an operator finds both by the id the client knows
        HttpResponse<String> usage = send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(baseUrl()
                + "/admin/usage?request_id=" + clientId)).header("Authorization", "Bearer " + ADMIN_KEY).GET().build());
        assertThat(usage.statusCode()).isEqualTo(200);
        assertThat(json(usage.body()).get("data")).hasSize(2)
                .allSatisfy(row -> assertThat(row.get("client_request_id").asText()).isEqualTo(clientId));
    }

    @Test
    void embeddingsWithoutUsageAreBilledOnTheCountedInput() throws Exception {
        Account account = newAccount(new BigDecimal("1.00"));
        STUB.stubFor(post("/a/v1/embeddings").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                        + "\"embedding\":[0.1,0.2]}],\"model\":\"model-a\"}")));

        HttpResponse<String> response = postJson("/v1/embeddings",
                "{\"model\":\"stub-a/model-a\",\"input\":\"The quick brown fox jumps over the lazy dog\"}", account.key());

        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Object> row = ledgerRow(response);
        assertThat(row.get("prompt_tokens")).isEqualTo(9L);
        assertThat(row.get("estimated")).isEqualTo(true);
        assertThat(json(response.body()).at("/usage/prompt_tokens").asLong()).isEqualTo(9);
    }

    @Test
    void failoverRecordsTheProviderThatAnsweredAndTheAttempts() throws Exception {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(503)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-b-large", "b"))));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        Map<String, Object> row = ledgerRow(response);
        assertThat(row.get("provider")).isEqualTo("stub-b");
        assertThat(row.get("model")).isEqualTo("model-b-large");
        assertThat(row.get("attempts")).isEqualTo(2);
        assertThat(row.get("outcome")).isEqualTo("completed");
    }

    @Test
    void failureIsRecordedWithNoChargeAndTheReservationReleased() throws Exception {
        Account account = newAccount(new BigDecimal("1.00"));
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(502)));

        HttpResponse<String> response = postJson("/v1/chat/completions",
                "{\"model\":\"ab\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", account.key());

        assertThat(response.statusCode()).isEqualTo(502);
        Map<String, Object> row = ledgerRow(response);
        assertThat(row.get("status")).isEqualTo(502);
        assertThat(row.get("outcome")).isEqualTo("error");
        assertThat((BigDecimal) row.get("cost")).isEqualByComparingTo("0");
        assertThat(row.get("attempts")).isEqualTo(2);
        awaitBalance(account, "1.00");
    }

    @Test
    void cacheHitPlaceholderIsRecordedAsCached() throws Exception {
        // the response cache (a later feature) reports its hits as usage events with cached=true and no cost
        String requestId = "cache-" + UUID.randomUUID();
        UsageEvent hit = new UsageEvent(requestId, null, userId, null, "chat", "demo", "demo", "caravan-demo-1", "demo", 9, 20, 0,
                BigDecimal.ZERO, false, true, 200, "cache_hit", 1L, 1L, 0, false, null);
        producer.send("seda:usage-ledger", exchange -> exchange.setProperty(UsageEvent.PROPERTY, hit));

        Map<String, Object> row = ledgerRow(requestId);
        assertThat(row.get("cached")).isEqualTo(true);
        assertThat(row.get("outcome")).isEqualTo("cache_hit");
        assertThat((BigDecimal) row.get("cost")).isEqualByComparingTo("0");
    }

    @Test
    void sameRequestIdIsNeverWrittenTwice() throws Exception {
        String requestId = "dup-" + UUID.randomUUID();
        UsageEvent event = new UsageEvent(requestId, null, userId, null, "chat", null, "demo", "caravan-demo-1", "demo", 1, 1, 0,
                new BigDecimal("0.5"), false, false, 200, "completed", 1L, 1L, 1, false, null);
        producer.send("seda:usage-ledger", exchange -> exchange.setProperty(UsageEvent.PROPERTY, event));
        producer.send("seda:usage-ledger", exchange -> exchange.setProperty(UsageEvent.PROPERTY, event));
        ledgerRow(requestId);
        Thread.sleep(500);
        assertThat(jdbc.queryForObject("select count(*) from usage_ledger where request_id = ?", Integer.class, requestId))
                .isEqualTo(1);
    }

    @Test
    void clientLeavingMidStreamIsChargedForWhatWasGenerated() throws Exception {
        Account account = newAccount(new BigDecimal("1.00"));
        CountDownLatch gone = new CountDownLatch(1);
        LIVE.handle(exchange -> {
            OutputStream out = LiveStub.startEventStream(exchange);
            try {
                for (int i = 0; i < 400; i++) {
                    LiveStub.event(out, OpenAiFixtures.chunk("model-live", "word" + i + " "));
                    Thread.sleep(20);
                }
            } catch (java.io.IOException e) {
                gone.countDown();
            }
        });
        String requestId = "disconnect-" + UUID.randomUUID();
        byte[] body = ("{\"model\":\"stub-live/model-live\",\"stream\":true,\"max_tokens\":1000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("localhost", port())) {
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + account.key() + "\r\nx-request-id: " + requestId + "\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(body);
            BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            int events = 0;
            String line;
            while (events < 5 && (line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events++;
                }
            }
        }
        assertThat(gone.await(10, TimeUnit.SECONDS)).isTrue();

        Map<String, Object> row = ledgerRow(requestId);
        assertThat(row.get("outcome")).isEqualTo("client_gone");
        assertThat(row.get("estimated")).isEqualTo(true);
        assertThat((Long) row.get("completion_tokens")).isPositive();
        assertThat((BigDecimal) row.get("cost")).isPositive();
        BigDecimal charged = new BigDecimal("1.00").subtract((BigDecimal) row.get("cost"));
        awaitBalance(account, charged.toPlainString());
    }

    private void awaitBalance(Account account, String expected) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            var balance = wallets.balance(account.userId());
            if (balance.reserved().signum() == 0 && balance.balance().compareTo(new BigDecimal(expected)) == 0) {
                return;
            }
            Thread.sleep(100);
        }
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo(expected);
        assertThat(wallets.balance(account.userId()).reserved()).isEqualByComparingTo("0");
    }
}
