package dev.caravan.openai;

import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;

/**
 * Counts tokens with a real BPE tokenizer (o200k, the encoding of current OpenAI models), for answers that
 * carry no usage. Message framing follows OpenAI's published rule: 3 tokens a message, 3 to prime the reply.
 *
 * <p>Counts of texts are remembered (up to {@link #CACHED_CHARACTERS} characters of text): every call of an
 * application repeats its system prompt and tool definitions, and every turn of a conversation repeats the
 * turns before it. Looking a text up costs a hash and a comparison; counting it again costs a regex split and a
 * byte-pair merge per word, which was the largest part of holding a call's worst case.
 */
public final class TokenCounter {

    /**
     * The encoding's tables take a few hundred milliseconds to load: on a thread of their own from the moment this
     * class is first used ({@link #preload}, at start), so that the gateway's start does not wait for them.
     */
    private static final CompletableFuture<Encoding> ENCODING = CompletableFuture.supplyAsync(
            () -> Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE),
            TokenCounter::startLoader);

    /** At most this many characters of counted text are remembered (about 2 bytes each). */
    static final long CACHED_CHARACTERS = 32L * 1024 * 1024;

    private static final Cache<String, Integer> COUNTS = Caffeine.newBuilder()
            .maximumWeight(CACHED_CHARACTERS)
            .weigher((String text, Integer tokens) -> text.length())
            .build();

    private TokenCounter() {
    }

    private static void startLoader(Runnable load) {
        Thread loader = new Thread(load, "caravan-tokenizer-load");
        loader.setDaemon(true);
        loader.start();
    }

    /** Starts loading the tokenizer, without waiting for it. */
    public static void preload() {
        // the class's initialisation starts the load
    }

    public static int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        return COUNTS.get(text, uncounted -> ENCODING.join().countTokensOrdinary(uncounted));
    }

    /** Whether {@code text}'s count is remembered (for tests). */
    static boolean remembers(String text) {
        return COUNTS.getIfPresent(text) != null;
    }

    /** Prompt tokens of a chat request: its messages and its tool definitions. */
    public static long countChatPrompt(JsonNode body) {
        long tokens = countMessages(body.path("messages"));
        if (body.has("tools")) {
            tokens += count(body.get("tools").toString());
        }
        return tokens;
    }

    /** Tokens of an embeddings {@code input}: a text, texts, or token arrays (counted as they are). */
    public static long countEmbeddingsInput(JsonNode input) {
        if (input.isTextual()) {
            return count(input.asText());
        }
        long tokens = 0;
        for (JsonNode item : input) {
            tokens += item.isTextual() ? count(item.asText()) : item.isArray() ? item.size() : 1;
        }
        return tokens;
    }

    /** Prompt tokens of a chat request's {@code messages}; only text parts are counted. */
    public static int countMessages(JsonNode messages) {
        int tokens = 3;
        for (JsonNode message : messages) {
            tokens += 3 + count(message.path("role").asText());
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                tokens += count(content.asText());
            } else if (content != null && content.isArray()) {
                for (JsonNode part : content) {
                    tokens += count(part.path("text").asText(""));
                }
            }
            if (message.hasNonNull("name")) {
                tokens += 1 + count(message.get("name").asText());
            }
        }
        return tokens;
    }
}
