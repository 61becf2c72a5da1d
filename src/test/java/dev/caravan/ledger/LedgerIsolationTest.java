package dev.caravan.ledger;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/** One bad value never stops billing: refused at the edge, stored safely, or isolated into a dead letter. */
class LedgerIsolationTest extends GatewayTestSupport {

    private static final String CHAT = "{\"model\":\"ab\",\"max_tokens\":50,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Autowired
    ProducerTemplate producer;
    @Autowired
    MeterRegistry meters;

    @Test
    void aNulInTheModelIsRefusedAndEveryOtherCallerIsStillCharged() {
        Account attacker = newAccount(new BigDecimal("1.00"));
        Account other = newAccount(new BigDecimal("1.00"));
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "hello"))));

        HttpResponse<String> refused = postJson("/v1/chat/completions",
                "{\"model\":\"nope\\u0000\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}", attacker.key());
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> postJson("/v1/chat/completions", CHAT, other.key())));
        }

        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode error = error(refused);
        assertThat(error.get("param").asText()).isEqualTo("model");
        assertThat(error.get("code").asText()).isEqualTo("invalid_value");
        assertThat(error.get("message").asText()).contains("NUL");
        assertThat(calls).allSatisfy(call -> assertThat(call.join().statusCode()).isEqualTo(200));
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(wallets.balance(other.userId()).balance()).isEqualByComparingTo("0.9946");
            assertThat(json(send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/usage/costs"))
                    .header("Authorization", "Bearer " + other.key()).GET().build()).body()).get("all_time").decimalValue())
                    .isEqualByComparingTo("0.0054");
        });
        assertThat(jdbc.queryForObject("select count(*) from usage_ledger where user_id = ?", Integer.class,
                other.userId())).isEqualTo(20);
    }

    @Test
    void everyTextOfAUsageEventIsStoredSafely() {
        Account account = newAccount(new BigDecimal("1.00"));
        String nasty = "a\u0000b\ud800c\u001b[31m\u0085" + "x".repeat(1000);
        String requestId = "req_safe_" + UUID.randomUUID().toString().replace("-", "");
        UsageEvent event = new UsageEvent(requestId, nasty, account.userId(), account.keyId(), nasty, nasty, nasty,
                nasty, nasty, 1, 1, 0, new BigDecimal("0.001"), false, false, 200, nasty, 1L, 1L, 1, false, null);

        producer.sendBody("direct:ledger-batch", List.of(event));

        var row = jdbc.queryForMap("select * from usage_ledger where request_id = ?", requestId);
        String stored = "a\uFFFDb\uFFFDc\uFFFD[31m\uFFFD" + "x".repeat(UsageEvent.MAX_TEXT - 11);
        for (String column : List.of("client_request_id", "operation", "profile", "provider", "model", "requested_model", "outcome")) {
            assertThat(row.get(column)).as(column).isEqualTo(stored);
        }
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("0.999");
    }

    @Test
    void aBatchWithOneUnwritableRowWritesTheOthersDeadLettersItAndChargesThemAll() throws Exception {
        Account account = newAccount(new BigDecimal("1.00"));
        String poisoned = "req_poison_" + UUID.randomUUID().toString().replace("-", "");
        poisonLedgerRows();
        double deadLettersBefore = deadLetterCount();
        NotifyBuilder alerted = new NotifyBuilder(camel).fromRoute("alerts").whenDone(1).create();
        List<UsageEvent> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(event(i == 7 ? poisoned : "req_good_" + UUID.randomUUID().toString().replace("-", ""), account));
        }
        try {
            // the write returns once every event is written or dead-lettered: a retried batch would never return
            CompletableFuture.runAsync(() -> producer.sendBody("direct:ledger-batch", batch)).get(30, TimeUnit.SECONDS);
        } finally {
            jdbc.execute("drop trigger ledger_test_poison on usage_ledger");
        }

        assertThat(jdbc.queryForObject("select count(*) from usage_ledger where user_id = ?", Integer.class,
                account.userId())).isEqualTo(19);
        assertThat(jdbc.queryForObject("select count(*) from usage_ledger where request_id = ?", Integer.class, poisoned))
                .isZero();
        // every call, the dead-lettered one too, is charged exactly once
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("0.98");
        assertThat(deadLetterCount()).isEqualTo(deadLettersBefore + 1);
        assertThat(alerted.matches(10, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> listed = admin("GET", "/admin/ledger/dead-letters");
        assertThat(listed.statusCode()).isEqualTo(200);
        JsonNode letter = null;
        for (JsonNode row : json(listed.body()).get("data")) {
            if (row.get("request_id").asText().equals(poisoned)) {
                letter = row;
            }
        }
        assertThat(letter).isNotNull();
        assertThat(letter.get("charged").asBoolean()).isTrue();
        assertThat(letter.get("error").asText()).contains("22023").contains("poisoned row for the test");
        assertThat(json(letter.get("event").asText()).get("requestId").asText()).isEqualTo(poisoned);
        assertThat(json(admin("GET", "/admin/reconciliation").body()).get("differences").findValuesAsText("user_id"))
                .doesNotContain(account.userId().toString());

        HttpResponse<String> replayed = admin("POST", "/admin/ledger/dead-letters/" + letter.get("id").asLong() + "/replay");
        assertThat(replayed.statusCode()).isEqualTo(200);
        assertThat(jdbc.queryForObject("select count(*) from usage_ledger where request_id = ?", Integer.class, poisoned))
                .isOne();
        assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo("0.98");
        assertThat(json(admin("GET", "/admin/ledger/dead-letters").body()).get("data").findValuesAsText("request_id"))
                .doesNotContain(poisoned);
    }

    @Test
    void aDeadLetterTheLedgerStillRefusesIsNotMarkedReplayed() {
        Account account = newAccount(new BigDecimal("1.00"));
        String poisoned = "req_poison_" + UUID.randomUUID().toString().replace("-", "");
        poisonLedgerRows();
        try {
            producer.sendBody("direct:ledger-batch", List.of(event(poisoned, account)));
            long id = jdbc.queryForObject("select id from ledger_dead_letters where request_id = ?", Long.class, poisoned);
            HttpResponse<String> replay = admin("POST", "/admin/ledger/dead-letters/" + id + "/replay");
            assertThat(replay.statusCode()).isEqualTo(409);
            assertThat(error(replay).get("code").asText()).isEqualTo("dead_letter_refused");
            assertThat(replay.body()).doesNotContain("insert into");
        } finally {
            jdbc.execute("drop trigger ledger_test_poison on usage_ledger");
        }
        assertThat(json(admin("GET", "/admin/ledger/dead-letters").body()).get("data").findValuesAsText("request_id"))
                .contains(poisoned);
    }

    /** From now until the trigger is dropped, the ledger refuses every row whose request id starts req_poison_. */
    private void poisonLedgerRows() {
        jdbc.execute("create or replace function ledger_test_poison() returns trigger language plpgsql as $$ begin "
                + "if new.request_id like 'req_poison_%' then raise exception using errcode = '22023', "
                + "message = 'poisoned row for the test'; end if; return new; end $$");
        jdbc.execute("create trigger ledger_test_poison before insert on usage_ledger for each row "
                + "execute function ledger_test_poison()");
    }

    private static UsageEvent event(String requestId, Account account) {
        return new UsageEvent(requestId, null, account.userId(), account.keyId(), "chat", "ab", "stub-a", "model-a", "ab",
                12, 5, 0, new BigDecimal("0.001"), false, false, 200, "completed", 5L, 5L, 1, false, null);
    }

    private double deadLetterCount() {
        return meters.counter("caravan.ledger.dead.letters").count();
    }

    private HttpResponse<String> admin(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, HttpRequest.BodyPublishers.noBody()).build());
    }
}
