package dev.caravan.alerts;

import java.time.Instant;

import org.apache.camel.Message;

/**
 * The generic JSON webhook: the alert's fields as one JSON object, signed with the instance's secret when it has
 * one ({@link WebhookSignature}).
 */
public class JsonWebhook extends Webhook {

    @Override
    protected byte[] request(AlertEvent event, String instance, Message message) {
        byte[] body = json(fields(event, instance));
        long timestamp = Instant.now().getEpochSecond();
        message.setHeader("Content-Type", "application/json");
        message.setHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp));
        if (!getSecret().isEmpty()) {
            message.setHeader(WebhookSignature.SIGNATURE_HEADER, WebhookSignature.sign(getSecret(), timestamp, body));
        }
        return body;
    }
}
