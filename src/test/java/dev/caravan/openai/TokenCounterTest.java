package dev.caravan.openai;

import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tokenizer's counts, and that a repeated text (a system prompt, earlier turns) is not counted again. */
class TokenCounterTest {

    @Test
    void countsWithTheO200kEncodingAndOpenAisMessageFraming() throws Exception {
        assertThat(TokenCounter.count("Hello, world!")).isEqualTo(4);
        assertThat(TokenCounter.count("")).isZero();
        assertThat(TokenCounter.count(null)).isZero();
        JsonNode messages = Json.read("""
                [{"role":"system","content":"You are terse."},
                 {"role":"user","content":[{"type":"text","text":"Hello, world!"},{"type":"image_url","image_url":{"url":"x"}}]}]"""
                .getBytes());
        // 3 to prime the reply, 3 per message, the role, the text parts
        int expected = 3 + (3 + TokenCounter.count("system") + TokenCounter.count("You are terse."))
                + (3 + TokenCounter.count("user") + 4);
        assertThat(TokenCounter.countMessages(messages)).isEqualTo(expected);
    }

    @Test
    void aRepeatedTextIsCountedOnceAndGivesTheSameCount() {
        String systemPrompt = "You are the support assistant of order " + UUID.randomUUID() + ". Answer in one line.";
        assertThat(TokenCounter.remembers(systemPrompt)).isFalse();
        int first = TokenCounter.count(systemPrompt);
        assertThat(TokenCounter.remembers(systemPrompt)).isTrue();
        assertThat(TokenCounter.count(new String(systemPrompt.toCharArray()))).isEqualTo(first);
    }
}
