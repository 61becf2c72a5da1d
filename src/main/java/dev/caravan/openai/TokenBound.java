package dev.caravan.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An upper bound of a prompt's token count that costs one pass over its characters: the UTF-8 length in bytes.
 * Byte-level BPE tokenizers (o200k, cl100k, Llama 3) and SentencePiece with byte fallback (Gemini's, Mistral's)
 * never make a token of less than one byte, so a text of n bytes has at most n tokens; the message framing is
 * bounded with {@link TokenCounter}'s own rule. Counting exactly costs about 230 ms a megabyte; this is what the
 * credit hold uses unless the exact count would change its outcome (see {@code Admission}).
 */
public final class TokenBound {

    private TokenBound() {
    }

    /** At least {@link TokenCounter#countChatPrompt} for the same body. */
    public static long chatPrompt(JsonNode body) {
        long tokens = messages(body.path("messages"));
        if (body.has("tools")) {
            tokens += utf8Length(body.get("tools").toString());
        }
        return tokens;
    }

    /** At least {@link TokenCounter#countEmbeddingsInput} for the same input. */
    public static long embeddingsInput(JsonNode input) {
        if (input.isTextual()) {
            return utf8Length(input.asText());
        }
        long tokens = 0;
        for (JsonNode item : input) {
            tokens += item.isTextual() ? utf8Length(item.asText()) : item.isArray() ? item.size() : 1;
        }
        return tokens;
    }

    /** At least {@link TokenCounter#countMessages}: the same framing, each text's bytes for its tokens. */
    static long messages(JsonNode messages) {
        long tokens = 3;
        for (JsonNode message : messages) {
            tokens += 3 + utf8Length(message.path("role").asText());
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                tokens += utf8Length(content.asText());
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    tokens += utf8Length(part.path("text").asText(""));
                }
            }
            if (message.hasNonNull("name")) {
                tokens += 1 + utf8Length(message.get("name").asText());
            }
        }
        return tokens;
    }

    /** The UTF-8 length of {@code text} without encoding it (an unpaired surrogate counts as the 3 bytes of U+FFFD). */
    static long utf8Length(String text) {
        long bytes = 0;
        int length = text.length();
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes++;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
