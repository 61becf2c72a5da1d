package dev.caravan.quota;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.caravan.account.ApiKey;
import dev.caravan.account.KeyService;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;

/** The quota tests' tools: a provider that counts its calls, chat calls with their headers, and Redis itself. */
abstract class QuotaTestSupport extends GatewayTestSupport {

    /** How many calls reached the provider. */
    protected final AtomicInteger providerCalls = new AtomicInteger();

    /** The provider answers every call with OpenAI's completion, which reports 17 tokens used. */
    protected void providerAnswers() {
        LIVE.answerJson(OpenAiFixtures.completion("model-live", "Hi"), providerCalls);
    }

    protected Account account() {
        return newAccount(new BigDecimal("100"));
    }

    /** Another key of {@code account}'s user, with its own per-minute limits (null: the step's). */
    protected String anotherKey(Account account, Integer rpm, Integer tpm) {
        return keyService.issue(new ApiKey(null, account.userId(), "another key", null, true, false, List.of(), null,
                null, List.of(), List.of(), null, null, rpm, tpm, null, null)).secret();
    }

    /** A chat request to {@code model} with a text no other call sends, and {@code max_tokens} as the allowance. */
    protected static String request(String model, int maxTokens) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":" + maxTokens
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"count me " + UUID.randomUUID() + "\"}]}";
    }

    protected HttpResponse<String> chat(String key, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    protected static String header(HttpResponse<String> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    /** The Redis key of one of {@code account}'s buckets under the quota step {@code quota:<name>}. */
    protected static String bucket(Account account, String name, String owner, String unit) {
        return "caravan:quota:{" + account.userId() + "}:" + name + ":" + owner + ":" + unit;
    }

    protected static String keyBucket(Account account, String name, String unit) {
        return bucket(account, name, "key:" + account.keyId(), unit);
    }
}
