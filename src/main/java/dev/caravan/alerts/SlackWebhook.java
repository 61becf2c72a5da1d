package dev.caravan.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Message;

/**
 * A Slack incoming webhook (or anything that takes its JSON: Mattermost, Rocket.Chat, Discord's /slack
 * endpoint): {@code text} for notifications and clients without blocks, and {@code blocks}: a header, the
 * summary, the detail as fields and a context line with cause, severity, subject, instance and time.
 */
public class SlackWebhook extends Webhook {

    /** Slack shows at most ten fields in a section. */
    private static final int MAX_FIELDS = 10;

    @Override
    protected byte[] request(AlertEvent event, String instance, Message message) {
        message.setHeader("Content-Type", "application/json");
        String text = "[" + event.severity().toUpperCase() + "] " + event.cause() + " (" + event.subject() + "): "
                + event.summary();
        List<Object> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "header", "text", Map.of("type", "plain_text", "text",
                cut(icon(event.severity()) + " " + event.cause() + " · " + event.subject(), 150))));
        blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", cut(event.summary(), 3000))));
        List<Object> fields = new ArrayList<>();
        for (Map.Entry<String, Object> entry : new TreeMap<>(event.detail()).entrySet()) {
            if (fields.size() == MAX_FIELDS) {
                break;
            }
            fields.add(Map.of("type", "mrkdwn", "text", cut("*" + entry.getKey() + "*\n" + entry.getValue(), 2000)));
        }
        if (!fields.isEmpty()) {
            blocks.add(Map.of("type", "section", "fields", fields));
        }
        blocks.add(Map.of("type", "context", "elements", List.of(Map.of("type", "mrkdwn", "text",
                cut("cause `" + event.cause() + "` · severity `" + event.severity() + "` · subject `" + event.subject()
                        + "` · instance `" + instance + "` · " + event.at(), 3000)))));
        return json(Map.of("text", cut(text, 3000), "blocks", blocks));
    }

    private static String icon(String severity) {
        return switch (AlertEvent.rank(severity)) {
            case 0 -> ":information_source:";
            case 2 -> ":rotating_light:";
            default -> ":warning:";
        };
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
