package dev.caravan.alerts;

import java.util.Map;
import java.util.TreeMap;

import org.apache.camel.Message;

/**
 * An ntfy topic ({@code https://ntfy.sh/<topic>} or a server of one's own): the summary and detail as the
 * message, and ntfy's {@code Title}, {@code Priority} (critical 5, warning 4, info 3) and {@code Tags} (an emoji
 * for the severity, then the cause) headers. The instance's {@code secret}, when set, is sent as an access token
 * ({@code Authorization: Bearer …}) for a protected topic.
 */
public class NtfyWebhook extends Webhook {

    @Override
    protected byte[] request(AlertEvent event, String instance, Message message) {
        message.setHeader("Content-Type", "text/plain; charset=utf-8");
        message.setHeader("Title", ascii("Caravan " + event.severity() + ": " + event.cause() + " (" + event.subject() + ")"));
        message.setHeader("Priority", Integer.toString(priority(event.severity())));
        message.setHeader("Tags", tag(event.severity()) + "," + ascii(event.cause()));
        if (!getSecret().isEmpty()) {
            message.setHeader("Authorization", "Bearer " + getSecret());
        }
        StringBuilder text = new StringBuilder(event.summary());
        for (Map.Entry<String, Object> entry : new TreeMap<>(event.detail()).entrySet()) {
            text.append('\n').append(entry.getKey()).append(": ").append(entry.getValue());
        }
        text.append("\ninstance: ").append(instance).append("\nat: ").append(event.at());
        return utf8(text.toString());
    }

    static int priority(String severity) {
        return switch (AlertEvent.rank(severity)) {
            case 0 -> 3;
            case 2 -> 5;
            default -> 4;
        };
    }

    private static String tag(String severity) {
        return switch (AlertEvent.rank(severity)) {
            case 0 -> "information_source";
            case 2 -> "rotating_light";
            default -> "warning";
        };
    }

    /** HTTP header values are ASCII: anything else becomes '?'. */
    private static String ascii(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
