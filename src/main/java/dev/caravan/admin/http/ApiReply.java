package dev.caravan.admin.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.caravan.call.RequestIds;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * What an accounts endpoint answers: a status and a JSON body. Written with BigDecimals in plain notation
 * ({@code 100}, never {@code 1E+2}), so money reaches clients exactly as the database holds it.
 */
public record ApiReply(int status, JsonNode body) {

    private static final ObjectMapper WRITER = JsonMapper.builder()
            .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    public static ApiReply ok(JsonNode body) {
        return new ApiReply(200, body);
    }

    public static ApiReply created(JsonNode body) {
        return new ApiReply(201, body);
    }

    /**
     * Puts the reply on the exchange. Every incoming header is dropped first, so nothing a client sent
     * (its key above all) is echoed back; only the request id and the content headers go out.
     */
    public void write(Exchange exchange) {
        byte[] bytes;
        try {
            bytes = WRITER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply could not be written as JSON", e);
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        String requestId = exchange.getProperty(RequestIds.HEADER, String.class);
        message.setHeader(RequestIds.HEADER, requestId != null ? requestId : RequestIds.newId());
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.CONTENT_LENGTH, bytes.length);
        message.setBody(bytes);
    }
}
