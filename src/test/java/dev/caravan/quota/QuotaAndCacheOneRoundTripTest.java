package dev.caravan.quota;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.event.command.CommandFailedEvent;
import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import io.lettuce.core.event.command.CommandSucceededEvent;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A profile with a quota step followed by a cache step asks Redis once per call: the cache's GET is sent right
 * behind the quota script, before its reply, and the call goes on only with both answers. Redis is paused while
 * the call is made, so "before its reply" is not a matter of timing; the gateway's Redis commands are recorded
 * with a Lettuce command listener.
 */
@Import(QuotaAndCacheOneRoundTripTest.RecordCommands.class)
// a Redis timeout longer than the pause: both commands wait for it and succeed
@TestPropertySource(properties = "test.redis.timeout=5s")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class QuotaAndCacheOneRoundTripTest extends QuotaTestSupport {

    /** What the gateway's connection did, in order: "started EVALSHA", "succeeded EVALSHA", "started GET"... */
    static final List<String> EVENTS = new ArrayList<>();

    @TestConfiguration
    static class RecordCommands {
        /** Added to every Redis client of the gateway, the event loops' own included (see RedisConfiguration). */
        @Bean
        CommandListener recordRedisCommands() {
            return new Recorder();
        }
    }

    /** Records the calls' commands; the token corrections, sent in batches by their own thread, are left out. */
    static final class Recorder implements CommandListener {
        private static final String CORRECTION = "correction";

        @Override
        public void commandStarted(CommandStartedEvent event) {
            if (Thread.currentThread().getName().equals("quota-corrections")) {
                event.getContext().put(CORRECTION, true);
            } else {
                record("started " + event.getCommand().getType());
            }
        }

        @Override
        public void commandSucceeded(CommandSucceededEvent event) {
            if (!event.getContext().containsKey(CORRECTION)) {
                record("succeeded " + event.getCommand().getType());
            }
        }

        @Override
        public void commandFailed(CommandFailedEvent event) {
            if (!event.getContext().containsKey(CORRECTION)) {
                record("failed " + event.getCommand().getType());
            }
        }

        private static void record(String event) {
            synchronized (EVENTS) {
                EVENTS.add(event);
            }
        }
    }

    @Test
    void theCacheLookupIsSentBehindTheQuotaScriptAndAnswersWithIt() {
        providerAnswers();
        Account account = account();
        String body = request("quota-cached", 50).replace("{", "{\"temperature\":0,");
        HttpResponse<String> first = chat(account.key(), body);
        assertThat(header(first, "x-caravan-cache")).isEqualTo("MISS");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !redis().keys("caravan:cache:quota:" + account.userId() + ":*").isEmpty());
        synchronized (EVENTS) {
            EVENTS.clear();
        }

        // Redis holds every client's commands for 500 ms: the call's first command waits there for its reply
        redis().clientPause(500);
        HttpResponse<String> hit = CompletableFuture.supplyAsync(() -> chat(account.key(), body)).join();

        assertThat(hit.statusCode()).isEqualTo(200);
        assertThat(header(hit, "x-caravan-cache")).isEqualTo("HIT");
        assertThat(header(hit, "x-ratelimit-remaining-requests")).isEqualTo("8");
        List<String> events;
        synchronized (EVENTS) {
            events = List.copyOf(EVENTS);
        }
        assertThat(events).containsSubsequence("started EVALSHA", "started GET", "succeeded EVALSHA", "succeeded GET");
        assertThat(events.indexOf("started GET")).isLessThan(events.indexOf("succeeded EVALSHA"));
    }

    @Test
    void aCallOverTheLimitIsRefusedEvenWhenItsAnswerIsCached() {
        providerAnswers();
        Account account = account();
        String body = request("quota-cached", 10).replace("{", "{\"temperature\":0,");
        assertThat(header(chat(account.key(), body), "x-caravan-cache")).isEqualTo("MISS");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !redis().keys("caravan:cache:quota:" + account.userId() + ":*").isEmpty());
        for (int i = 2; i <= 10; i++) {
            assertThat(header(chat(account.key(), body), "x-caravan-cache")).isEqualTo("HIT");
        }

        HttpResponse<String> refused = chat(account.key(), body);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(json(refused.body()).at("/error/code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(header(refused, "x-caravan-cache")).isNull();
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isEqualTo("0");
        assertThat(providerCalls).hasValue(1);
    }
}
