package dev.caravan.admin.http;

import java.io.IOException;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.Identity;
import dev.caravan.call.RequestIds;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import dev.caravan.text.SafeText;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * An accounts request as its handler sees it: the authenticated caller, path and query parameters, and the
 * JSON body. Every accessor refuses bad input with a 400 naming the parameter, so handlers only deal with
 * valid values. Query parameters are read from the HTTP request itself, never from Camel headers, so a client
 * header cannot pose as one.
 */
public final class ApiRequest {

    /** Bodies keep decimals exact: {@code 0.1} is the BigDecimal 0.1, never the nearest double. */
    private static final ObjectMapper READER = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    static {
        READER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build());
    }

    private final Exchange exchange;

    private ApiRequest(Exchange exchange) {
        this.exchange = exchange;
    }

    public static ApiRequest of(Exchange exchange) {
        return new ApiRequest(exchange);
    }

    /** Who is calling (set by {@link CallerAuthentication}). */
    public Identity caller() {
        return exchange.getProperty(Identity.PROPERTY, Identity.class);
    }

    /** The caller's address, for the audit log. */
    public String ip() {
        return exchange.getProperty(CallerAuthentication.REMOTE_IP, String.class);
    }

    public String requestId() {
        return exchange.getProperty(RequestIds.HEADER, String.class);
    }

    /**
     * The {@code {name}} segment of the path as an id. A segment that is not a UUID cannot name anything, so it
     * is answered like an unknown id.
     */
    public UUID pathId(String name, String notFoundCode, String what) {
        String value = exchange.getIn().getHeader(name, String.class);
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw notFound(notFoundCode, what, value);
        }
    }

    /** The {@code {name}} segment of the path as a number id; one that is not a number names nothing (404). */
    public long pathNumber(String name, String notFoundCode, String what) {
        String value = exchange.getIn().getHeader(name, String.class);
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw notFound(notFoundCode, what, SafeText.forStorage(value, 64));
        }
    }

    public static ApiException notFound(String code, String what, Object id) {
        return new ApiException(new OpenAiError(404, "No such " + what + ": " + id, OpenAiError.NOT_FOUND, "id", code));
    }

    /** A query parameter; null when absent or empty. */
    public String query(String name) {
        String value = exchange.getIn() instanceof HttpMessage http ? http.getRequest().getParam(name) : null;
        if (value == null || value.isBlank()) {
            return null;
        }
        JsonFields.storable(value, name);
        return value.trim();
    }

    public int intQuery(String name, int defaultValue, int min, int max) {
        String value = query(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("Invalid '" + name + "': expected an integer between " + min + " and " + max
                + ", but got '" + value + "'.", name, "invalid_value");
    }

    public UUID uuidQuery(String name) {
        String value = query(name);
        if (value == null) {
            return null;
        }
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("Invalid '" + name + "': not an id: '" + value + "'.", name, "invalid_value");
        }
    }

    /** An ISO-8601 timestamp ({@code 2025-01-31T12:00:00Z}) or a date ({@code 2025-01-31}, midnight UTC). */
    public Instant instantQuery(String name) {
        String value = query(name);
        return value == null ? null : JsonFields.parseInstant(value, name);
    }

    /** The JSON object the request carries; 400 when it is missing or not an object. */
    public ObjectNode body() {
        byte[] bytes = exchange.getIn().getBody(byte[].class);
        if (bytes == null || bytes.length == 0) {
            throw ApiException.invalid("We could not parse the JSON body of your request: the body is empty. "
                    + "This endpoint expects a JSON object.", null);
        }
        return parse(bytes);
    }

    /** The JSON object the request carries, or an empty one when there is no body (actions without options). */
    public ObjectNode bodyOrEmpty() {
        byte[] bytes = exchange.getIn().getBody(byte[].class);
        if (bytes == null || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        return parse(bytes);
    }

    private static ObjectNode parse(byte[] bytes) {
        JsonNode node;
        try {
            node = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("We could not parse the JSON body of your request: it is not valid JSON.", null);
        } catch (IOException e) {
            throw ApiException.invalid("The request body could not be read.", null);
        }
        if (node == null || !node.isObject()) {
            throw ApiException.invalid("Invalid body: expected a JSON object.", null);
        }
        return (ObjectNode) node;
    }
}
