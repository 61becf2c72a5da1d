package dev.caravan.quota;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.TokenCounter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The quota step through the gateway's HTTP port against the real Redis: exact limits under concurrency, OpenAI's
 * headers, tokens corrected by real usage, user limits over several keys, limits set per key and per user through
 * the admin API, and cache hits that count as requests but not as tokens. Each test has an account of its own, so
 * its buckets start empty.
 */
class QuotaTest extends QuotaTestSupport {

    private static final Duration SOON = Duration.ofSeconds(10);

    @Autowired
    MeterRegistry meters;

    @Test
    void exactlyThirtyOfAHundredParallelRequestsPassALimitOfThirty() {
        providerAnswers();
        Account account = account();
        double rejectedBefore = rejections("key_rpm");
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            calls.add(http.sendAsync(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + account.key())
                    .POST(HttpRequest.BodyPublishers.ofString(request("quota-rpm", 10))).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

        assertThat(responses).filteredOn(response -> response.statusCode() == 200).hasSize(30);
        List<HttpResponse<String>> refused = responses.stream().filter(response -> response.statusCode() != 200).toList();
        assertThat(refused).hasSize(70).allSatisfy(response -> {
            assertThat(response.statusCode()).isEqualTo(429);
            JsonNode error = error(response);
            assertThat(error.get("type").asText()).isEqualTo("rate_limit_error");
            assertThat(error.get("code").asText()).isEqualTo("rate_limit_exceeded");
            assertThat(error.get("message").asText()).startsWith(
                    "Rate limit reached for requests per minute (RPM) of this API key: limit 30, requested 1. "
                            + "Please try again in ");
            assertThat(Long.parseLong(header(response, "retry-after"))).isBetween(1L, 2L);
            assertThat(Long.parseLong(header(response, "retry-after-ms"))).isBetween(1L, 2000L);
            assertThat(header(response, "x-ratelimit-remaining-requests")).isEqualTo("0");
        });
        assertThat(providerCalls).hasValue(30);
        assertThat(rejections("key_rpm") - rejectedBefore).isEqualTo(70.0);
    }

    @Test
    void everyAnswerCarriesOpenAisRateLimitHeadersWithExactValues() {
        providerAnswers();
        Account account = account();
        String body = request("quota-headers", 100);
        long tokens = TokenCounter.countChatPrompt(json(body)) + 100;

        HttpResponse<String> first = chat(account.key(), body);

        assertThat(first.statusCode()).isEqualTo(200);
        // 5 requests a minute: one every 12 s; 6000 tokens a minute: one every 10 ms
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo("5");
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo("4");
        assertThat(header(first, "x-ratelimit-reset-requests")).isEqualTo("12s");
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo("6000");
        assertThat(header(first, "x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(6000 - tokens));
        assertThat(header(first, "x-ratelimit-reset-tokens")).isEqualTo(RateLimitHeaders.duration(tokens * 10));
        assertThat(header(first, "retry-after")).isNull();

        HttpResponse<String> stream = chat(account.key(), request("quota-headers", 100).replace("{", "{\"stream\":true,"));
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.body()).contains("data: [DONE]");
        assertThat(header(stream, "x-ratelimit-remaining-requests")).isEqualTo("3");
        assertThat(header(stream, "x-ratelimit-reset-requests")).matches("(1\\d|2[0-4])(\\.\\d+)?s");

        for (int i = 0; i < 3; i++) {
            assertThat(chat(account.key(), request("quota-headers", 100)).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> refused = chat(account.key(), request("quota-headers", 100));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(header(refused, "x-ratelimit-limit-requests")).isEqualTo("5");
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isEqualTo("0");
        long retryMs = Long.parseLong(header(refused, "retry-after-ms"));
        assertThat(retryMs).isBetween(1L, 12_000L);
        assertThat(header(refused, "retry-after")).isEqualTo(Long.toString((retryMs + 999) / 1000));
        assertThat(error(refused).get("message").asText())
                .endsWith("Please try again in " + RateLimitHeaders.duration(retryMs) + ".");
        assertThat(providerCalls).hasValue(5);
    }

    @Test
    void tokensTakenUpFrontAreCorrectedByTheRealUsage() {
        providerAnswers();
        Account account = account();
        String tpm = keyBucket(account, "tokens", "tpm");
        // 600 tokens a minute (one every 100 ms); the call reserves its prompt and 500, the provider reports 17 used
        String body = request("quota-tokens", 500);
        long taken = TokenCounter.countChatPrompt(json(body)) + 500;

        HttpResponse<String> first = chat(account.key(), body);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(header(first, "x-ratelimit-remaining-tokens")).isEqualTo(Long.toString(600 - taken));
        // once the call finished, the bucket holds 17 tokens (1.7 s), not the ~52 s it was taken with
        await().atMost(SOON).until(() -> redis().pttl(tpm) <= 1_700);

        // the same call again fits only because the first gave back what it did not use
        // (its text has another random id, which may be a few tokens more or less)
        String secondBody = request("quota-tokens", 500);
        long secondTaken = TokenCounter.countChatPrompt(json(secondBody)) + 500;
        HttpResponse<String> second = chat(account.key(), secondBody);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(Long.parseLong(header(second, "x-ratelimit-remaining-tokens")))
                .isBetween(600 - 17 - secondTaken, 600 - secondTaken);
    }

    @Test
    void aFailedCallGivesAllItsTokensBack() {
        LIVE.handle(exchange -> {
            providerCalls.incrementAndGet();
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        Account account = account();
        String tpm = keyBucket(account, "tokens", "tpm");

        HttpResponse<String> failed = chat(account.key(), request("quota-tokens", 500));

        assertThat(failed.statusCode()).isEqualTo(502);
        assertThat(providerCalls).hasValue(1);
        await().atMost(SOON).until(() -> redis().exists(tpm) == 0);
    }

    @Test
    void aCallLargerThanTheTokenLimitIsRefusedAsTooLargeWithoutRetryAfter() {
        providerAnswers();
        Account account = account();

        HttpResponse<String> refused = chat(account.key(), request("quota-tokens", 700));

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(error(refused).get("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(error(refused).get("message").asText()).startsWith(
                "Request too large for tokens per minute (TPM) of this API key: limit 600, requested ");
        assertThat(header(refused, "retry-after")).isNull();
        assertThat(header(refused, "x-ratelimit-remaining-tokens")).isEqualTo("600");
        assertThat(providerCalls).hasValue(0);
        // nothing was taken: a call that fits still does
        assertThat(chat(account.key(), request("quota-tokens", 100)).statusCode()).isEqualTo(200);
    }

    @Test
    void theUserLimitCountsTheCallsOfAllTheUsersKeys() {
        providerAnswers();
        Account account = account();
        String second = anotherKey(account, null, null);
        double rejectedBefore = rejections("user_rpm");

        assertThat(chat(account.key(), request("quota-user", 10)).statusCode()).isEqualTo(200);
        assertThat(chat(second, request("quota-user", 10)).statusCode()).isEqualTo(200);
        HttpResponse<String> third = chat(account.key(), request("quota-user", 10));
        assertThat(third.statusCode()).isEqualTo(200);
        assertThat(header(third, "x-ratelimit-remaining-requests")).isEqualTo("0");

        HttpResponse<String> refused = chat(second, request("quota-user", 10));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(error(refused).get("message").asText())
                .startsWith("Rate limit reached for requests per minute (RPM) of this user: limit 3, requested 1.");
        assertThat(rejections("user_rpm") - rejectedBefore).isEqualTo(1.0);
        // another user is not affected
        assertThat(chat(account().key(), request("quota-user", 10)).statusCode()).isEqualTo(200);
    }

    @Test
    void aKeysAndAUsersOwnLimitsAreSetThroughTheAdminApiAndWinOverTheStep() {
        providerAnswers();
        Account keyLimited = account();
        HttpResponse<String> patched = patch("/admin/keys/" + keyLimited.keyId(), "{\"rate_limit_rpm\":2}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);

        HttpResponse<String> first = chat(keyLimited.key(), request("quota-defaults", 10));
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo("2");
        assertThat(chat(keyLimited.key(), request("quota-defaults", 10)).statusCode()).isEqualTo(200);
        assertThat(chat(keyLimited.key(), request("quota-defaults", 10)).statusCode()).isEqualTo(429);

        Account userLimited = account();
        patched = patch("/admin/users/" + userLimited.userId(), "{\"rate_limit_rpm\":1,\"rate_limit_tpm\":900}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched.body()).get("rate_limit_rpm").asInt()).isEqualTo(1);

        HttpResponse<String> only = chat(userLimited.key(), request("quota-defaults", 10));
        assertThat(only.statusCode()).isEqualTo(200);
        // the binding limit is the user's: 1 request, none left; 900 tokens
        assertThat(header(only, "x-ratelimit-limit-requests")).isEqualTo("1");
        assertThat(header(only, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(header(only, "x-ratelimit-limit-tokens")).isEqualTo("900");
        HttpResponse<String> refused = chat(userLimited.key(), request("quota-defaults", 10));
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(error(refused).get("message").asText()).contains("of this user: limit 1");

        // cleared, the configured default applies again
        assertThat(patch("/admin/users/" + userLimited.userId(), "{\"rate_limit_rpm\":null}").statusCode()).isEqualTo(200);
        await().atMost(SOON).until(() -> "1000000".equals(
                header(chat(userLimited.key(), request("quota-defaults", 10)), "x-ratelimit-limit-requests")));
    }

    @Test
    void aCacheHitCountsAsARequestButGivesItsTokensBack() {
        providerAnswers();
        Account account = account();
        String tpm = keyBucket(account, "cached", "tpm");
        String body = request("quota-cached", 50).replace("{", "{\"temperature\":0,");

        HttpResponse<String> miss = chat(account.key(), body);
        assertThat(header(miss, "x-caravan-cache")).isEqualTo("MISS");
        assertThat(header(miss, "x-ratelimit-remaining-requests")).isEqualTo("9");
        await().atMost(SOON).until(() -> !redis().keys("caravan:cache:quota:" + account.userId() + ":*").isEmpty());

        HttpResponse<String> hit = chat(account.key(), body);

        assertThat(header(hit, "x-caravan-cache")).isEqualTo("HIT");
        assertThat(header(hit, "x-ratelimit-remaining-requests")).isEqualTo("8");
        assertThat(providerCalls).hasValue(1);
        // 600 tokens a minute: only the miss's 17 used tokens stay (1.7 s), the hit's reservation came back
        await().atMost(SOON).until(() -> redis().pttl(tpm) <= 1_700);
    }

    @Test
    void aProfileWithoutLimitsAnswersWithoutHeadersAndARawModelHasTheDefaultQuota() {
        providerAnswers();
        Account account = account();

        HttpResponse<String> unlimited = chat(account.key(), request("quota-none", 10));
        assertThat(unlimited.statusCode()).isEqualTo(200);
        assertThat(header(unlimited, "x-ratelimit-limit-requests")).isNull();
        assertThat(header(unlimited, "x-ratelimit-limit-tokens")).isNull();

        HttpResponse<String> raw = chat(account.key(), request("stub-live/model-live", 10));
        assertThat(raw.statusCode()).isEqualTo(200);
        // the tests' defaults (GatewayTestSupport)
        assertThat(header(raw, "x-ratelimit-limit-requests")).isEqualTo("1000000");
        // (its window, a 60 µs emission interval, is gone from Redis a moment later)
        assertThat(header(raw, "x-ratelimit-remaining-requests")).isEqualTo("999999");
    }

    private HttpResponse<String> patch(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ADMIN_KEY).method("PATCH", HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    private double rejections(String limit) {
        return meters.counter("caravan.ratelimit.rejections", "limit", limit).count();
    }
}
