package dev.caravan.billing;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.account.Identity;
import dev.caravan.account.KeyStore;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Json;
import dev.caravan.openai.TokenBound;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/** 200 calls at once against a wallet that covers 10: never more than 10 get through. */
class OverdraftTest extends GatewayTestSupport {

    private static final String CHAT = "{\"model\":\"stub-live/model-live\",\"max_tokens\":100,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Count to three.\"}]}";

    @Autowired
    PriceTable prices;

    private BigDecimal worstCaseOfOneCall() throws Exception {
        // holds are taken on the prompt's cheap token bound (its bytes), which a wallet of ten such covers exactly
        long prompt = TokenBound.chatPrompt(Json.read(CHAT.getBytes()));
        return prices.price("stub-live", "model-live").worstCase(prompt, 100);
    }

    @Test
    void twoHundredParallelHttpCallsAgainstAWalletForTen() throws Exception {
        BigDecimal oneCall = worstCaseOfOneCall();
        assertThat(oneCall).isPositive();
        Account account = newAccount(oneCall.multiply(BigDecimal.TEN));
        // the provider holds every call until all 200 are either refused or running: a call that ended would give
        // back the unused part of its worst case at once, and a call admitted on that would be rightly admitted
        AtomicInteger running = new AtomicInteger();
        CountDownLatch allDecided = new CountDownLatch(1);
        LIVE.handle(exchange -> {
            running.incrementAndGet();
            allDecided.await(30, TimeUnit.SECONDS);
            byte[] body = OpenAiFixtures.completion("model-live", "1, 2, 3").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        });

        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + account.key())
                    .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (int i = 0; i < 300 && calls.stream().filter(CompletableFuture::isDone).count() + running.get() < 200; i++) {
            Thread.sleep(100);
        }
        int admitted = running.get();
        allDecided.countDown();
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> call : calls) {
            HttpResponse<String> response = call.get(60, TimeUnit.SECONDS);
            if (response.statusCode() == 200) {
                ok++;
            } else if (response.statusCode() == 402) {
                refused++;
                assertThat(error(response).get("type").asText()).isEqualTo("insufficient_quota");
            }
        }
        assertThat(admitted).isEqualTo(10);
        assertThat(ok).isEqualTo(10);
        assertThat(refused).isEqualTo(190);
        // and the wallet never went below zero
        awaitSettled(account.userId());
        assertThat(wallets.balance(account.userId()).balance()).isGreaterThanOrEqualTo(BigDecimal.ZERO);
    }

    @Test
    void twoHundredConcurrentReservationsLetExactlyTenThrough() throws Exception {
        BigDecimal oneCall = new BigDecimal("0.00310000");
        Account account = newAccount(oneCall.multiply(BigDecimal.TEN));
        Identity identity = new Identity(account.userId(), new KeyStore(jdbc).find(account.keyId()).orElseThrow(), false,
                List.of(), "test");
        ExecutorService pool = Executors.newFixedThreadPool(50);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            results.add(pool.submit(() -> {
                start.await();
                try {
                    wallets.reserve("race-" + UUID.randomUUID(), identity, oneCall);
                    return true;
                } catch (ApiException refused) {
                    return false;
                }
            }));
        }
        start.countDown();
        int admitted = 0;
        for (Future<Boolean> result : results) {
            admitted += result.get(60, TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();
        assertThat(admitted).isEqualTo(10);
        assertThat(wallets.balance(account.userId()).available()).isEqualByComparingTo("0");
    }

    private void awaitSettled(UUID user) throws InterruptedException {
        for (int i = 0; i < 100 && wallets.balance(user).reserved().signum() != 0; i++) {
            Thread.sleep(100);
        }
        assertThat(wallets.balance(user).reserved()).isEqualByComparingTo("0");
    }
}
