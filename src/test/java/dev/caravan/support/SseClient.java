package dev.caravan.support;

import java.util.ArrayList;
import java.util.List;

/** Splits an SSE response body into its {@code data:} payloads. */
public final class SseClient {

    private SseClient() {
    }

    public static List<String> dataEvents(String body) {
        List<String> events = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("data: ")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(6));
                }
            }
            if (!data.isEmpty()) {
                events.add(data.toString());
            }
        }
        return events;
    }
}
