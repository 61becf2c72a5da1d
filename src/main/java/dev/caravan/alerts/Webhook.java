package dev.caravan.alerts;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * One webhook instance's settings and its request, bound from a {@code routes/templates/webhook-*.yaml} template's
 * parameters by the template's {@code webhook} bean (as provider settings are), so that the URL and the secret live
 * in this bean, never in the route model or an endpoint URI that JMX, Hawtio or a log could show. An empty URL
 * turns the instance off: its route takes alerts and sends nothing. Each kind of receiver writes its own body and
 * headers ({@link #request}).
 */
public abstract class Webhook {

    /** Exchange properties the delivery route's metrics and log line read after the body became the response. */
    public static final String CAUSE = "caravan.alert.cause";
    public static final String SUBJECT = "caravan.alert.subject";
    public static final String NAME = "caravan.alert.webhook";

    static final ObjectMapper JSON = JsonMapper.builder().build();

    private String name = "";
    private String url = "";
    private String secret = "";

    /** True when this instance has somewhere to send to. */
    public boolean enabled() {
        return url != null && !url.isBlank();
    }

    /**
     * Turns the alert in the body into this receiver's HTTP request: nothing of the exchange's own headers goes
     * along, the URL travels in {@link Exchange#HTTP_URI} (so the endpoint URI stays {@code alert-http://webhook}).
     */
    public void prepare(Exchange exchange) {
        AlertEvent event = exchange.getMessage().getBody(AlertEvent.class);
        String instance = exchange.getProperty(AlertRoutes.INSTANCE, "", String.class);
        exchange.setProperty(CAUSE, event.cause());
        exchange.setProperty(SUBJECT, event.subject());
        exchange.setProperty(NAME, name);
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        byte[] body = request(event, instance, message);
        message.setBody(body);
        message.setHeader(Exchange.HTTP_URI, url.trim());
        message.setHeader(Exchange.HTTP_METHOD, "POST");
    }

    /** Writes this receiver's body for {@code event}, setting its headers on {@code message}. */
    protected abstract byte[] request(AlertEvent event, String instance, Message message);

    /** The fields every payload is made of: cause, severity, summary, subject, detail (ids and numbers), at, instance. */
    static Map<String, Object> fields(AlertEvent event, String instance) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("cause", event.cause());
        fields.put("severity", event.severity());
        fields.put("summary", event.summary());
        fields.put("subject", event.subject());
        fields.put("detail", new java.util.TreeMap<>(event.detail()));
        fields.put("at", event.at().toString());
        fields.put("instance", instance);
        return fields;
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an alert could not be written as JSON", e);
        }
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name == null ? "" : name.trim();
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url == null ? "" : url.trim();
    }

    public String getSecret() {
        return secret;
    }

    public void setSecret(String secret) {
        this.secret = secret == null ? "" : secret;
    }

    /** Never the URL or the secret: a route dump or a log line may print the bean. */
    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + name + (enabled() ? "" : ", off") + "]";
    }
}
