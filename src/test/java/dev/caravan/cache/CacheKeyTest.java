package dev.caravan.cache;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What makes two requests the same cache entry, and what keeps them apart. */
class CacheKeyTest {

    private static final String BASE = "{\"model\":\"fast\",\"temperature\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]}";

    private static String key(String body) {
        return CacheKey.of("default", "user-1", "profile:fast", (ObjectNode) JsonFixtures.parse(body));
    }

    @Test
    void keyOrderNumberFormAndFieldsThatDoNotChangeTheAnswerAreIgnored() {
        String same = "{\"tools\":[{\"function\":{\"parameters\":{\"type\":\"object\"},\"name\":\"f\"},\"type\":\"function\"}],"
                + "\"messages\":[{\"content\":\"hi\",\"role\":\"user\"}],\"temperature\":0.00,\"model\":\"fast\","
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"user\":\"end-user-42\"}";

        assertThat(key(same)).isEqualTo(key(BASE)).startsWith("caravan:cache:default:user-1:").hasSize(
                "caravan:cache:default:user-1:".length() + 64);
    }

    @Test
    void everythingElseMakesAnotherEntry() {
        String base = key(BASE);
        for (String changed : new String[] {
                BASE.replace("\"hi\"", "\"hi!\""),
                BASE.replace("\"temperature\":0", "\"temperature\":0,\"seed\":1"),
                BASE.replace("\"temperature\":0", "\"temperature\":0,\"top_p\":0.9"),
                BASE.replace("\"temperature\":0", "\"temperature\":0,\"max_tokens\":10"),
                BASE.replace("\"temperature\":0", "\"temperature\":0,\"response_format\":{\"type\":\"json_object\"}"),
                BASE.replace("\"temperature\":0", "\"temperature\":0,\"tool_choice\":\"required\""),
                BASE.replace("\"temperature\":0", "\"temperature\":0,\"n\":2"),
                BASE.replace("\"name\":\"f\"", "\"name\":\"g\""),
                BASE.replace("\"model\":\"fast\"", "\"model\":\"fast-2\"")}) {
            assertThat(key(changed)).as(changed).isNotEqualTo(base);
        }
        ObjectNode body = (ObjectNode) JsonFixtures.parse(BASE);
        assertThat(CacheKey.of("default", "user-2", "profile:fast", body)).isNotEqualTo(base);
        assertThat(CacheKey.of("default", "user-1", "profile:smart", body)).isNotEqualTo(base);
        assertThat(CacheKey.of("v2", "user-1", "profile:fast", body)).isNotEqualTo(base);
    }
}
