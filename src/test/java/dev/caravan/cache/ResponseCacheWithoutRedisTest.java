package dev.caravan.cache;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.support.OpenAiFixtures;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway whose Redis does not answer (nothing listens on its port): a cacheable request is a miss, goes to the
 * provider and succeeds, every time; storing fails quietly in the background.
 */
@TestPropertySource(properties = "test.redis.url=redis://127.0.0.1:1")
// a gateway of its own, closed after these tests
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ResponseCacheWithoutRedisTest extends CacheTestSupport {

    @Test
    void aRedisThatIsDownMakesEveryLookupAMissAndTheCallStillSucceeds() {
        providerAnswers(OpenAiFixtures.completion("model-live", "Still here"));
        Account account = account();
        ObjectNode request = request("cached", unique("no redis"), "\"temperature\":0");

        for (int i = 1; i <= 3; i++) {
            HttpResponse<String> response = chat(account, request);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(cacheStatus(response)).isEqualTo("MISS");
            assertThat(json(response.body()).at("/choices/0/message/content").asText()).isEqualTo("Still here");
            assertThat(providerCalls).hasValue(i);
        }
        // streams too
        ObjectNode stream = request("cached", unique("no redis stream"), "\"temperature\":0,\"stream\":true");
        providerStreams(CacheFixtures.TOOL_STREAM);
        HttpResponse<String> streamed = chat(account, stream);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(cacheStatus(streamed)).isEqualTo("MISS");
        assertThat(streamed.body()).endsWith("data: [DONE]\n\n");
    }
}
