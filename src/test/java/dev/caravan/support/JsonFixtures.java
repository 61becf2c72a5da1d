package dev.caravan.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;

/** Reads the provider fixtures of {@code src/test/resources/fixtures/} and compares JSON as JSON. */
public final class JsonFixtures {

    private JsonFixtures() {
    }

    public static String text(String path) {
        try (InputStream in = JsonFixtures.class.getResourceAsStream("/fixtures/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode json(String path) {
        return (ObjectNode) parse(text(path));
    }

    /** One JSON document per non-blank line. */
    public static List<JsonNode> jsonLines(String path) {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : text(path).split("\n")) {
            if (!line.isBlank()) {
                lines.add(parse(line));
            }
        }
        return lines;
    }

    public static JsonNode parse(String json) {
        try {
            return Json.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A tree as it reads back from its bytes, so built and parsed trees compare equal (int vs long nodes). */
    public static JsonNode normalized(Object value) {
        return parse(new String(value instanceof byte[] bytes ? bytes : Json.bytes(value), StandardCharsets.UTF_8));
    }

    /** The {@code data:} payloads of an SSE body, in order. */
    public static List<String> dataEvents(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).stripLeading());
                }
            }
            if (!data.isEmpty()) {
                events.add(data.toString());
            }
        }
        return events;
    }
}
