package dev.caravan.openai;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cheap bound the credit hold is taken on never undercounts: over random texts in many scripts (and the odd
 * unpaired surrogate), in plain and multi-part messages, names, tools and embeddings inputs, the bound is at least
 * the tokenizer's exact count.
 */
class TokenBoundTest {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Property(tries = 300)
    void aChatPromptsBoundIsNeverBelowItsExactCount(@ForAll("chatBodies") ObjectNode body) {
        assertThat(TokenBound.chatPrompt(body)).isGreaterThanOrEqualTo(TokenCounter.countChatPrompt(body));
    }

    @Property(tries = 200)
    void anEmbeddingsInputsBoundIsNeverBelowItsExactCount(@ForAll("texts") List<String> texts) {
        ArrayNode input = F.arrayNode();
        texts.forEach(input::add);
        input.add(F.arrayNode().add(1).add(2).add(3));
        assertThat(TokenBound.embeddingsInput(input)).isGreaterThanOrEqualTo(TokenCounter.countEmbeddingsInput(input));
    }

    @Test
    void utf8LengthIsTheEncodedLength() {
        for (String text : List.of("", "hello", "héllo", "日本語のテキスト", "emoji 🙂🚀", "Ψυχή", "a\uD800b")) {
            long expected = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (text.contains("\uD800")) {
                expected = 1 + 3 + 1; // Java writes '?' for the lone surrogate; the bound counts U+FFFD's 3 bytes
            }
            assertThat(TokenBound.utf8Length(text)).as(text).isEqualTo(expected);
        }
    }

    @Test
    void repetitiveTextIsBoundedFarAboveItsCountButCheaply() {
        String text = "hello ".repeat(50_000);
        ObjectNode body = F.objectNode();
        body.putArray("messages").addObject().put("role", "user").put("content", text);
        // 300,000 bytes; about a sixth as many tokens: the exact count is only taken where it changes the outcome
        assertThat(TokenBound.chatPrompt(body)).isGreaterThan(5 * TokenCounter.countChatPrompt(body));
    }

    @Provide
    Arbitrary<List<String>> texts() {
        return text().list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<ObjectNode> chatBodies() {
        Arbitrary<ObjectNode> message = Combinators.combine(
                Arbitraries.of("system", "user", "assistant", "tool"), text(), text().list().ofMaxSize(3),
                Arbitraries.of(true, false), text().injectNull(0.6))
                .as((role, content, parts, multipart, name) -> {
                    ObjectNode m = F.objectNode().put("role", role);
                    if (multipart) {
                        ArrayNode array = m.putArray("content");
                        parts.forEach(part -> array.addObject().put("type", "text").put("text", part));
                    } else {
                        m.put("content", content);
                    }
                    if (name != null) {
                        m.put("name", name);
                    }
                    return m;
                });
        return Combinators.combine(message.list().ofMinSize(1).ofMaxSize(5), text().injectNull(0.7))
                .as((messages, toolDescription) -> {
                    ObjectNode body = F.objectNode().put("model", "m");
                    body.putArray("messages").addAll(messages);
                    if (toolDescription != null) {
                        body.putArray("tools").addObject().put("type", "function").putObject("function")
                                .put("name", "f").put("description", toolDescription);
                    }
                    return body;
                });
    }

    /** Texts from ASCII, Latin, Greek, Cyrillic, CJK, emoji, whitespace and unpaired surrogates, mixed. */
    private static Arbitrary<String> text() {
        return Arbitraries.strings()
                .withCharRange(' ', '~')
                .withCharRange('\u00C0', '\u024F')
                .withCharRange('\u0370', '\u03FF')
                .withCharRange('\u0400', '\u04FF')
                .withCharRange('\u3040', '\u30FF')
                .withCharRange('\u4E00', '\u9FFF')
                .withCharRange('\uD800', '\uDFFF')
                .withChars('\n', '\t')
                .ofMaxLength(300);
    }
}
