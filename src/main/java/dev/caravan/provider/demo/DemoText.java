package dev.caravan.provider.demo;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The demo provider's deterministic writer: the same messages always give the same answer, a few sentences
 * that say what was asked, so a quick start and a test both see something recognisable.
 */
final class DemoText {

    private static final String[] SENTENCES = {
        "Caravan routed this request through a Camel profile and answered with the built-in demo provider.",
        "Set a provider key such as GROQ_API_KEY or OPENAI_API_KEY to reach a real model.",
        "Profiles live as YAML routes under routes/profiles and reload while the gateway runs.",
        "Every answer carries x-caravan-provider and x-caravan-model headers that say who answered.",
        "Streams are passed on event by event, as the provider writes them.",
        "Failover moves to the next provider when one fails before the first byte is sent.",
    };

    private DemoText() {
    }

    /** The answer's words, each with the space that precedes it, so joining them gives the full text. */
    static List<String> words(JsonNode messages) {
        String question = lastUserText(messages);
        String shown = question.length() > 80 ? question.substring(0, 80) + "..." : question;
        StringBuilder text = new StringBuilder("This is the Caravan demo model. You said: \"")
                .append(shown.replace('\n', ' ')).append("\".");
        SplittableRandom random = new SplittableRandom(seed(messages.toString()));
        int sentences = 2 + random.nextInt(2);
        int start = random.nextInt(SENTENCES.length);
        for (int i = 0; i < sentences; i++) {
            text.append(' ').append(SENTENCES[(start + i) % SENTENCES.length]);
        }
        List<String> words = new ArrayList<>();
        String[] parts = text.toString().split(" ");
        for (int i = 0; i < parts.length; i++) {
            words.add(i == 0 ? parts[i] : " " + parts[i]);
        }
        return words;
    }

    static long seed(String text) {
        CRC32 crc = new CRC32();
        crc.update(text.getBytes(StandardCharsets.UTF_8));
        return crc.getValue();
    }

    private static String lastUserText(JsonNode messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            JsonNode message = messages.get(i);
            if (!"user".equals(message.path("role").asText())) {
                continue;
            }
            JsonNode content = message.get("content");
            if (content != null && content.isTextual()) {
                return content.asText();
            }
            if (content != null && content.isArray()) {
                StringBuilder text = new StringBuilder();
                for (JsonNode part : content) {
                    if (part.hasNonNull("text")) {
                        text.append(part.get("text").asText());
                    }
                }
                return text.toString();
            }
        }
        return "";
    }
}
