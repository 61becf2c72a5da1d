package dev.caravan.cache;

import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.support.LiveStub;
import dev.caravan.support.OpenAiFixtures;
import dev.caravan.support.SseClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The response cache through the gateway's HTTP port, against a provider speaking OpenAI's wire format and the real
 * Redis: what is cached, for whom and how long, and that a hit replays the answer exactly, never reaching the
 * provider, free and recorded as a cache hit.
 */
class ResponseCacheTest extends CacheTestSupport {

    private static final Duration STORED = Duration.ofSeconds(10);

    @Test
    void aRepeatedDeterministicRequestIsAnsweredFromTheCacheWithoutTheProvider() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Bonjour"));
        Account account = account();
        ObjectNode request = request("cached", unique("translate hello"), "\"temperature\":0");

        HttpResponse<String> first = chat(account, request);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(cacheStatus(first)).isEqualTo("MISS");
        await().atMost(STORED).until(() -> entries(account).size() == 1);

        HttpResponse<String> second = chat(account, request);

        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(cacheStatus(second)).isEqualTo("HIT");
        assertThat(providerCalls).hasValue(1);
        assertThat(second.headers().firstValue("x-caravan-provider")).hasValue("stub-live");
        assertThat(second.headers().firstValue("x-caravan-attempts")).hasValue("0");
        assertThat(second.headers().firstValue("x-caravan-cost")).hasValue("0");
        JsonNode hit = json(second.body());
        assertThat(hit.at("/usage/cost").decimalValue()).isZero();
        assertThat(json(first.body()).at("/usage/cost").decimalValue()).isPositive();
        assertThat(withoutCost(hit)).isEqualTo(withoutCost(json(first.body())));
        // the key ignores what does not change the answer: stream_options, user, key order, 0 written as 0.0
        ObjectNode reordered = (ObjectNode) json("{\"temperature\":0.0,\"user\":\"someone\",\"messages\":"
                + request.get("messages") + ",\"model\":\"cached\"}");
        assertThat(cacheStatus(chat(account, reordered))).isEqualTo("HIT");
        assertThat(providerCalls).hasValue(1);
    }

    @Test
    void anotherRequestIsAMissAndReachesTheProvider() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Hi"));
        Account account = account();
        String text = unique("hello");
        assertThat(cacheStatus(chat(account, request("cached", text, "\"seed\":7")))).isEqualTo("MISS");
        await().atMost(STORED).until(() -> entries(account).size() == 1);

        // another seed, another sampling parameter, another message: each a different request
        assertThat(cacheStatus(chat(account, request("cached", text, "\"seed\":8")))).isEqualTo("MISS");
        assertThat(cacheStatus(chat(account, request("cached", text, "\"seed\":7,\"top_p\":0.5")))).isEqualTo("MISS");
        assertThat(cacheStatus(chat(account, request("cached", text + "!", "\"seed\":7")))).isEqualTo("MISS");
        assertThat(providerCalls).hasValue(4);
    }

    @Test
    void noCacheBypassesReadingAndStoring() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Hi"));
        Account account = account();
        ObjectNode request = request("cached", unique("bypass"), "\"temperature\":0");

        HttpResponse<String> bypassed = chat(account, request, "x-caravan-cache", "no-cache");
        assertThat(bypassed.statusCode()).isEqualTo(200);
        assertThat(cacheStatus(bypassed)).isEqualTo("BYPASS");
        // nothing was stored: the next request is a miss
        assertThat(cacheStatus(chat(account, request))).isEqualTo("MISS");
        await().atMost(STORED).until(() -> entries(account).size() == 1);
        // and a stored answer is not read either
        assertThat(cacheStatus(chat(account, request, "x-caravan-cache", "no-cache"))).isEqualTo("BYPASS");
        assertThat(providerCalls).hasValue(3);
    }

    @Test
    void aSampledRequestIsNotCachedUnlessItOptsIn() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Hi"));
        Account account = account();
        ObjectNode request = request("cached", unique("a poem"), "\"temperature\":0.8");

        assertThat(cacheStatus(chat(account, request))).isEqualTo("BYPASS");
        assertThat(cacheStatus(chat(account, request))).isEqualTo("BYPASS");
        assertThat(providerCalls).hasValue(2);
        await().during(Duration.ofMillis(500)).atMost(STORED).until(() -> entries(account).isEmpty());

        assertThat(cacheStatus(chat(account, request, "x-caravan-cache", "on"))).isEqualTo("MISS");
        await().atMost(STORED).until(() -> entries(account).size() == 1);
        assertThat(cacheStatus(chat(account, request, "x-caravan-cache", "on"))).isEqualTo("HIT");
        assertThat(providerCalls).hasValue(3);
    }

    @Test
    void aProfileWithoutTheStepNeverCaches() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Hi"));
        Account account = account();
        ObjectNode request = request("uncached", unique("no step"), "\"temperature\":0");

        HttpResponse<String> first = chat(account, request, "x-caravan-cache", "on");
        HttpResponse<String> second = chat(account, request, "x-caravan-cache", "on");

        assertThat(cacheStatus(first)).isNull();
        assertThat(cacheStatus(second)).isNull();
        assertThat(providerCalls).hasValue(2);
    }

    @Test
    void anEntryExpiresAfterItsTtl() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Hi"));
        Account account = account();
        ObjectNode request = request("cached-short", unique("short-lived"), "\"temperature\":0");

        assertThat(cacheStatus(chat(account, request))).isEqualTo("MISS");
        await().atMost(STORED).until(() -> entries(account).size() == 1);
        assertThat(cacheStatus(chat(account, request))).isEqualTo("HIT");

        // ttl=1s: Redis drops the entry, and the next request goes to the provider again
        await().atMost(Duration.ofSeconds(5)).until(() -> entries(account).isEmpty());
        assertThat(cacheStatus(chat(account, request))).isEqualTo("MISS");
        assertThat(providerCalls).hasValue(2);
    }

    @Test
    void aRequestMaySetItsTtlWithinTheStepsMaximum() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Hi"));
        Account account = account();

        chat(account, request("cached", unique("ttl header"), "\"temperature\":0"), "x-caravan-cache-ttl", "30");
        await().atMost(STORED).until(() -> entries(account).size() == 1);
        assertThat(redis().ttl(entries(account).get(0))).isBetween(1L, 30L);

        // the profile ttl=10m applies without the header
        chat(account, request("cached", unique("ttl default"), "\"temperature\":0"));
        await().atMost(STORED).until(() -> entries(account).size() == 2);
        assertThat(entries(account).stream().map(key -> redis().ttl(key)).toList())
                .anySatisfy(ttl -> assertThat(ttl).isBetween(300L, 600L));

        // cached-short allows at most 1s, whatever the request asks
        Account other = account();
        chat(other, request("cached-short", unique("ttl bounded"), "\"temperature\":0"), "x-caravan-cache-ttl", "86400");
        List<String> bounded = await().atMost(STORED).until(() -> entries(other), keys -> !keys.isEmpty());
        // kept for at most the step's maxTtl (-2 if it already expired), never the day the request asked for
        assertThat(redis().pttl(bounded.get(0))).isLessThanOrEqualTo(1000L);
    }

    @Test
    void oneUsersEntriesAreNeverAnotherUsers() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Secret"));
        Account alice = account();
        Account bob = account();
        ObjectNode request = request("cached", unique("same question"), "\"temperature\":0");

        assertThat(cacheStatus(chat(alice, request))).isEqualTo("MISS");
        await().atMost(STORED).until(() -> entries(alice).size() == 1);

        assertThat(cacheStatus(chat(bob, request))).isEqualTo("MISS");
        assertThat(providerCalls).hasValue(2);
        assertThat(cacheStatus(chat(alice, request))).isEqualTo("HIT");
        assertThat(providerCalls).hasValue(2);
    }

    @Test
    void aSharedProfileAnswersEveryUserFromOneEntryAtItsHitPrice() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Shared"));
        Account alice = account();
        Account bob = account();
        // always=true: cached although sampled
        ObjectNode request = request("cached-shared", unique("public question"), "\"temperature\":1");

        assertThat(cacheStatus(chat(alice, request))).isEqualTo("MISS");
        String sharedKey = CacheKey.of("test", "shared", "profile:cached-shared", request);
        await().atMost(STORED).until(() -> redis().exists(sharedKey) == 1);

        HttpResponse<String> hit = chat(bob, request);
        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(cacheStatus(hit)).isEqualTo("HIT");
        assertThat(providerCalls).hasValue(1);
        assertThat(hit.headers().firstValue("x-caravan-cost")).hasValue("0.001");
        await().atMost(STORED).untilAsserted(() -> assertThat(ledger(bob)).singleElement()
                .satisfies(row -> assertThat((BigDecimal) row.get("cost")).isEqualByComparingTo("0.001")));
    }

    @Test
    void aStreamIsReplayedChunkByChunkWithEveryField() {
        providerStreams(CacheFixtures.TOOL_STREAM);
        Account account = account();
        ObjectNode request = request("cached", unique("weather and time"),
                "\"temperature\":0,\"stream\":true,\"stream_options\":{\"include_usage\":true},"
                        + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]");

        HttpResponse<String> first = chat(account, request);
        assertThat(cacheStatus(first)).isEqualTo("MISS");
        await().atMost(STORED).until(() -> entries(account).size() == 1);
        HttpResponse<String> replay = chat(account, request);

        assertThat(cacheStatus(replay)).isEqualTo("HIT");
        assertThat(replay.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/event-stream"));
        assertThat(providerCalls).hasValue(1);
        List<String> original = SseClient.dataEvents(first.body());
        List<String> replayed = SseClient.dataEvents(replay.body());
        assertThat(replayed).hasSize(original.size()).hasSize(CacheFixtures.TOOL_STREAM.size() + 1);
        // every chunk the provider sent, byte for byte, in order; the usage chunk differs only in usage.cost
        int usageChunk = CacheFixtures.TOOL_STREAM.size() - 1;
        for (int i = 0; i < usageChunk; i++) {
            assertThat(replayed.get(i)).isEqualTo(CacheFixtures.TOOL_STREAM.get(i)).isEqualTo(original.get(i));
        }
        JsonNode replayedUsage = json(replayed.get(usageChunk));
        assertThat(replayedUsage.at("/usage/cost").decimalValue()).isZero();
        assertThat(json(original.get(usageChunk)).at("/usage/cost").decimalValue()).isPositive();
        assertThat(withoutCost(replayedUsage)).isEqualTo(json(CacheFixtures.TOOL_STREAM.get(usageChunk)))
                .isEqualTo(withoutCost(json(original.get(usageChunk))));
        assertThat(replayed.get(replayed.size() - 1)).isEqualTo("[DONE]");
    }

    @Test
    void aCachedStreamAnswersAJsonRequestAssembled() {
        providerStreams(CacheFixtures.TOOL_STREAM);
        Account account = account();
        String text = unique("assemble me");
        ObjectNode stream = request("cached", text, "\"temperature\":0,\"stream\":true");
        chat(account, stream);
        await().atMost(STORED).until(() -> entries(account).size() == 1);

        HttpResponse<String> asJson = chat(account, request("cached", text, "\"temperature\":0"));

        assertThat(asJson.statusCode()).isEqualTo(200);
        assertThat(cacheStatus(asJson)).isEqualTo("HIT");
        assertThat(asJson.headers().firstValue("content-type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("application/json"));
        assertThat(providerCalls).hasValue(1);
        JsonNode completion = json(asJson.body());
        assertThat(completion.at("/usage/cost").decimalValue()).isZero();
        assertThat(withoutCost(completion)).isEqualTo(json(CacheFixtures.TOOL_STREAM_AS_COMPLETION));
    }

    @Test
    void aCachedJsonAnswerAnswersAStreamRequestAsChunks() throws Exception {
        String answer = CacheFixtures.completion("Here");
        providerAnswers(answer);
        Account account = account();
        String text = unique("stream me");
        chat(account, request("cached", text, "\"seed\":1"));
        await().atMost(STORED).until(() -> entries(account).size() == 1);

        HttpResponse<String> asStream = chat(account, request("cached", text,
                "\"seed\":1,\"stream\":true,\"stream_options\":{\"include_usage\":true}"));

        assertThat(cacheStatus(asStream)).isEqualTo("HIT");
        assertThat(providerCalls).hasValue(1);
        List<String> events = SseClient.dataEvents(asStream.body());
        assertThat(events).hasSize(3);
        assertThat(events.get(2)).isEqualTo("[DONE]");
        JsonNode original = json(answer);
        JsonNode content = json(events.get(0));
        assertThat(content.get("object").asText()).isEqualTo("chat.completion.chunk");
        for (String field : new String[] {"id", "created", "model", "system_fingerprint"}) {
            assertThat(content.get(field)).isEqualTo(original.get(field));
        }
        JsonNode choice = content.at("/choices/0");
        ObjectNode expectedDelta = original.at("/choices/0/message").deepCopy();
        ObjectNode call = (ObjectNode) expectedDelta.at("/tool_calls/0");
        ObjectNode indexed = call.objectNode().put("index", 0);
        indexed.setAll(call);
        expectedDelta.withArray("tool_calls").set(0, indexed);
        assertThat(choice.get("delta")).isEqualTo(expectedDelta);
        assertThat(choice.get("logprobs")).isEqualTo(original.at("/choices/0/logprobs"));
        assertThat(choice.get("finish_reason").asText()).isEqualTo("tool_calls");
        JsonNode usage = json(events.get(1));
        assertThat(usage.get("choices")).isEmpty();
        assertThat(withoutCost(usage).get("usage")).isEqualTo(original.get("usage"));
        // and the chunks assemble back into the very completion that was cached
        assertThat(StreamCompletionAccess.assemble(events.subList(0, 2))).isEqualTo(original);
    }

    @Test
    void aStreamThatBrokeOffIsNotStored() {
        Account account = account();
        LIVE.handle(exchange -> {
            providerCalls.incrementAndGet();
            OutputStream out = LiveStub.startEventStream(exchange);
            LiveStub.event(out, CacheFixtures.TOOL_STREAM.get(0));
            LiveStub.event(out, CacheFixtures.TOOL_STREAM.get(1));
            throw new IllegalStateException("upstream crashed");
        });
        ObjectNode request = request("cached", unique("cut short"), "\"temperature\":0,\"stream\":true");

        HttpResponse<String> cut = chat(account, request);

        assertThat(cacheStatus(cut)).isEqualTo("MISS");
        assertThat(cut.body()).contains("upstream_stream_error").doesNotContain("[DONE]");
        await().during(Duration.ofMillis(700)).atMost(STORED).until(() -> entries(account).isEmpty());
        providerStreams(CacheFixtures.TOOL_STREAM);
        assertThat(cacheStatus(chat(account, request))).isEqualTo("MISS");
        assertThat(providerCalls).hasValue(2);
    }

    @Test
    void aHitIsFreeAndRecordedAsACacheHitInTheLedgerAndTheStats() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Counted"));
        Account account = account();
        ObjectNode request = request("cached", unique("ledger"), "\"temperature\":0");
        chat(account, request);
        await().atMost(STORED).until(() -> entries(account).size() == 1);
        assertThat(cacheStatus(chat(account, request))).isEqualTo("HIT");

        await().atMost(STORED).until(() -> ledger(account).size() == 2);
        List<Map<String, Object>> rows = ledger(account);
        assertThat(rows).filteredOn(row -> "completed".equals(row.get("outcome"))).singleElement().satisfies(row -> {
            assertThat(row.get("cached")).isEqualTo(false);
            assertThat((BigDecimal) row.get("cost")).isPositive();
        });
        assertThat(rows).filteredOn(row -> "cache_hit".equals(row.get("outcome"))).singleElement().satisfies(row -> {
            assertThat(row.get("cached")).isEqualTo(true);
            assertThat((BigDecimal) row.get("cost")).isZero();
            assertThat(row.get("status")).isEqualTo(200);
            assertThat(row.get("provider")).isEqualTo("stub-live");
            assertThat(row.get("attempts")).isEqualTo(0);
            assertThat(row.get("completion_tokens")).isEqualTo(5L);
        });

        HttpResponse<String> stats = send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(baseUrl() + "/v1/usage/stats?days=1"))
                .header("Authorization", "Bearer " + account.key()).GET().build());
        assertThat(stats.statusCode()).isEqualTo(200);
        JsonNode totals = json(stats.body()).get("totals");
        assertThat(totals.get("requests").asLong()).isEqualTo(2);
        assertThat(totals.get("cache_hits").asLong()).isEqualTo(1);
        assertThat(json(stats.body()).at("/by_model/0/cache_hits").asLong()).isEqualTo(1);
    }

    private List<Map<String, Object>> ledger(Account account) {
        return jdbc.queryForList("select outcome, cached, cost, status, provider, attempts, completion_tokens "
                + "from usage_ledger where user_id = ? order by created_at", account.userId());
    }

    private static JsonNode withoutCost(JsonNode node) {
        ObjectNode copy = node.deepCopy();
        if (copy.get("usage") instanceof ObjectNode usage) {
            usage.remove("cost");
        }
        return copy;
    }

    /** {@link StreamCompletion} on the events a client received. */
    private static final class StreamCompletionAccess {

        static JsonNode assemble(List<String> events) throws Exception {
            List<dev.caravan.provider.StreamChunk> chunks = new ArrayList<>();
            for (String event : events) {
                chunks.add(new dev.caravan.provider.StreamChunk(
                        withoutCost(json(event)).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), null, true));
            }
            return StreamCompletion.of(chunks);
        }
    }
}
