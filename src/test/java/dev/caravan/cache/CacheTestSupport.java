package dev.caravan.cache;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.LiveStub;

/** The cache tests' tools: a hand-driven upstream that counts its calls, requests with headers, and Redis itself. */
abstract class CacheTestSupport extends GatewayTestSupport {

    /** How many calls reached the provider. */
    protected final AtomicInteger providerCalls = new AtomicInteger();

    /** The provider answers every call with {@code json}. */
    protected void providerAnswers(String json) {
        LIVE.answerJson(json, providerCalls);
    }

    /** The provider streams every call as {@code events}, then {@code [DONE]}. */
    protected void providerStreams(List<String> events) {
        LIVE.handle(exchange -> {
            providerCalls.incrementAndGet();
            OutputStream out = LiveStub.startEventStream(exchange);
            for (String event : events) {
                LiveStub.event(out, event);
            }
            LiveStub.event(out, "[DONE]");
        });
    }

    protected Account account() {
        return newAccount(new BigDecimal("100"));
    }

    /** A chat request naming {@code model}, with a text no other test (or earlier run) sends, and more fields. */
    protected static ObjectNode request(String model, String text, String moreFields) {
        return (ObjectNode) json("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text
                + "\"}]" + (moreFields.isEmpty() ? "" : "," + moreFields) + "}");
    }

    protected static String unique(String what) {
        return what + " " + UUID.randomUUID();
    }

    protected HttpResponse<String> chat(Account account, Object body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + account.key())
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    protected static String cacheStatus(HttpResponse<String> response) {
        return response.headers().firstValue("x-caravan-cache").orElse(null);
    }

    /** The cache entries of a user (or {@code shared}) in the test profiles' cache. */
    protected static List<String> entries(String scope) {
        return redis().keys("caravan:cache:test:" + scope + ":*");
    }

    protected static List<String> entries(Account account) {
        return entries(account.userId().toString());
    }
}
