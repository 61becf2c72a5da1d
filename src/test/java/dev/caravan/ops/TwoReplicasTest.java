package dev.caravan.ops;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two gateway replicas on one PostgreSQL and one Redis (this test's gateway and a second one started beside it in
 * this JVM, each with its own HTTP server, key cache, credit leases and breakers), as a Deployment with two pods
 * runs them: one rate limit, one response cache, one ledger that charges each call once, and a key revoked through
 * one replica refused by the other.
 */
class TwoReplicasTest extends GatewayTestSupport {

    private static ConfigurableApplicationContext replica;
    private final AtomicInteger providerCalls = new AtomicInteger();

    @BeforeEach
    void providerAnswersAndReplicaRuns() {
        LIVE.answerJson(OpenAiFixtures.completion("model-live", "Hi"), providerCalls);
        if (replica == null) {
            replica = startReplica();
        }
    }

    @AfterAll
    static void stopReplica() {
        if (replica != null) {
            replica.close();
            replica = null;
        }
    }

    @Test
    void oneRateLimitOverBothReplicas() {
        Account account = newAccount(new BigDecimal("100"));
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        // profile quota-rpm: 30 requests a minute per key; 40 calls at once, every other one through each replica
        long started = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            calls.add(http.sendAsync(chat(i % 2 == 0 ? port() : replicaPort(), account.key(),
                    "{\"model\":\"quota-rpm\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"count me "
                            + UUID.randomUUID() + "\"}]}"), HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();

        // the limit is a rate (GCRA): 30 at once, then one more every 2 s while the calls go on. Two limits of 30,
        // one per replica, would have served all 40
        long served = responses.stream().filter(r -> r.statusCode() == 200).count();
        assertThat(served).isBetween(30L, 30 + seconds / 2);
        assertThat(responses).filteredOn(r -> r.statusCode() == 429).hasSize((int) (40 - served));
        assertThat(providerCalls).hasValue((int) served);
    }

    @Test
    void oneResponseCacheForBothReplicas() {
        Account account = newAccount(new BigDecimal("100"));
        String request = "{\"model\":\"cached\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"shared "
                + UUID.randomUUID() + "\"}]}";

        HttpResponse<String> miss = send(chat(port(), account.key(), request));
        assertThat(miss.headers().firstValue("x-caravan-cache")).hasValue("MISS");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !redis().keys("caravan:cache:test:" + account.userId() + ":*").isEmpty());

        HttpResponse<String> hit = send(chat(replicaPort(), account.key(), request));

        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(hit.headers().firstValue("x-caravan-cache")).hasValue("HIT");
        assertThat(json(hit.body()).at("/choices/0/message/content").asText()).isEqualTo("Hi");
        assertThat(providerCalls).hasValue(1);
    }

    @Test
    void oneLedgerChargesEachCallOnceWhicheverReplicaServedIt() {
        Account account = newAccount(new BigDecimal("100"));
        BigDecimal charged = BigDecimal.ZERO;
        List<String> requestIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            HttpResponse<String> response = send(chat(i % 2 == 0 ? port() : replicaPort(), account.key(),
                    "{\"model\":\"stub-live/model-live\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            charged = charged.add(new BigDecimal(response.headers().firstValue("x-caravan-cost").orElseThrow()));
            requestIds.add(response.headers().firstValue("x-request-id").orElseThrow());
        }
        BigDecimal expected = new BigDecimal("100").subtract(charged);

        // each replica's ledger writer and credit lease settle on their own; both end on the one wallet
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(jdbc.queryForObject("select count(*) from usage_ledger where user_id = ?", Long.class,
                    account.userId())).isEqualTo(20);
            assertThat(wallets.balance(account.userId()).reserved()).isZero();
            assertThat(wallets.balance(account.userId()).balance()).isEqualByComparingTo(expected);
        });
        assertThat(jdbc.queryForObject("select count(distinct request_id) from usage_ledger where user_id = ?",
                Long.class, account.userId())).isEqualTo(20);
        assertThat(jdbc.queryForObject("select sum(cost) from usage_ledger where user_id = ?", BigDecimal.class,
                account.userId())).isEqualByComparingTo(charged);
        assertThat(requestIds).doesNotHaveDuplicates();
    }

    @Test
    void aKeyRevokedThroughOneReplicaIsRefusedByTheOther() {
        Account account = newAccount(new BigDecimal("100"));
        String chat = "{\"model\":\"stub-live/model-live\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // the replica has the key in its cache
        assertThat(send(chat(replicaPort(), account.key(), chat)).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/admin/keys/"
                        + account.keyId() + "/revoke")).header("Authorization", "Bearer " + ADMIN_KEY)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        // the key change reaches the other replica through PostgreSQL (NOTIFY), long before its cache would expire
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            HttpResponse<String> refused = send(chat(replicaPort(), account.key(), chat));
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(error(refused).get("code").asText()).isEqualTo("key_revoked");
        });
    }

    private int replicaPort() {
        return port(replica.getBean(CamelContext.class));
    }

    private static HttpRequest chat(int port, String key, String body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
