package dev.caravan.provider.openai;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.FailureKind;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ProviderFailureException;
import dev.caravan.provider.ProviderKeys;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.ProviderTarget;
import dev.caravan.provider.UpstreamResponses;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The two steps around the HTTP call of the {@code openai-compatible} route template: the client's request
 * goes upstream unchanged except for the model name (and usage reporting switched on for streams, so that
 * every stream can be metered), and the provider's answer comes back as a {@link ProviderResult}.
 */
@Component("openAiCompatible")
public class OpenAiCompatibleAdapter {

    private final ProviderKeys keys;

    public OpenAiCompatibleAdapter(ProviderKeys keys) {
        this.keys = keys;
    }

    /** Builds the upstream request in the message: body, path and content headers, and the key (ProviderKeys), so it never enters the route model. */
    public void toUpstream(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        // a shallow copy: the client's body stays as it came for the next attempt, and only top-level fields
        // (model, stream_options) are replaced here, so the nested values (messages, tools) can be shared
        ObjectNode body = call.body().objectNode();
        body.setAll(call.body());
        if (target.model() != null && !target.model().isEmpty()) {
            body.put("model", target.model());
        }
        if (call.stream()) {
            JsonNode options = body.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode o ? o.deepCopy() : body.objectNode();
            streamOptions.put("include_usage", true);
            body.set("stream_options", streamOptions);
        }
        Message message = exchange.getMessage();
        message.setBody(Json.bytes(body));
        message.setHeader(Exchange.HTTP_PATH, call.operation().path());
        UpstreamResponses.jsonRequestHeaders(message, call.stream());
        keys.sign(message, "Authorization", "Bearer ", ProviderTarget.of(exchange).provider());
    }

    /** Turns the provider's HTTP answer into a result; throws on technical failures so failover moves on. */
    public ProviderResult fromUpstream(Exchange exchange) throws IOException, ProviderFailureException {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        InputStream body = message.getBody(InputStream.class);
        if (status < 200 || status >= 300) {
            byte[] bytes = UpstreamResponses.readCapped(body);
            return UpstreamResponses.errorResult(target.provider(), status, bytes);
        }
        if (call.stream() && UpstreamResponses.isEventStream(message)) {
            OpenAiChunkStream chunks = new OpenAiChunkStream(body);
            return UpstreamResponses.streaming(chunks, chunks::peek, status);
        }
        byte[] bytes = UpstreamResponses.readAll(body);
        JsonNode json;
        try {
            json = Json.read(bytes);
        } catch (IOException e) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status, "provider sent a body that is not JSON");
        }
        if (!(json instanceof ObjectNode object)) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status, "provider sent JSON that is not an object");
        }
        if (json.has("error") && !json.has("choices") && !json.has("data")) {
            // some providers answer 200 with an error object
            return new ProviderResult.Rejected(OpenAiError.fromProvider(502, json, "provider error"));
        }
        Usage usage = Usage.fromJson(json.get("usage"));
        if (call.stream()) {
            // asked to stream, the provider answered in one piece: replay it as a one-chunk stream
            return new ProviderResult.Streaming(CompletionAsStream.of(object, usage));
        }
        return new ProviderResult.Completed(object, usage);
    }
}
