package dev.caravan.provider.anthropic;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.FailureKind;
import dev.caravan.call.Operation;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.provider.ProviderFailureException;
import dev.caravan.provider.ProviderKeys;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.ProviderTarget;
import dev.caravan.provider.UpstreamResponses;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The two steps around the HTTP call of the {@code anthropic} route template: the client's OpenAI request
 * is translated to an Anthropic Messages request ({@code POST /v1/messages}), and Anthropic's answer,
 * whole or streamed, is translated back to OpenAI's shapes. The translation itself is in the mappers; this
 * class only moves bytes, statuses and the failover rule between them and Camel.
 *
 * <p>A request the mappers refuse (a parameter Anthropic lacks) is answered at once with a 400
 * {@link ProviderResult.Rejected}; the route sees {@link #REFUSED_PROPERTY} and skips the HTTP call.
 */
@Component("anthropic")
public class AnthropicAdapter {

    private final ProviderKeys keys;

    public AnthropicAdapter(ProviderKeys keys) {
        this.keys = keys;
    }

    /** Set to true when the request was refused before any call: the route then skips the HTTP call. */
    public static final String REFUSED_PROPERTY = "caravanRefused";
    /** The route's {@code maxTokens} parameter: {@code max_tokens} when the client sets none. */
    public static final String MAX_TOKENS_PROPERTY = "caravanAnthropicMaxTokens";

    private static final String PATH = "/v1/messages";

    /** Builds the upstream request in the message: body, path and content headers, and the key (ProviderKeys), so it never enters the route model. */
    public void toUpstream(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        Message message = exchange.getMessage();
        exchange.setProperty(REFUSED_PROPERTY, false);
        if (call.operation() != Operation.CHAT) {
            refuse(exchange, OpenAiError.invalidRequest("Anthropic offers no embeddings: `" + target.model()
                    + "` cannot be used with /v1/embeddings.", "model"));
            return;
        }
        ObjectNode body;
        try {
            body = AnthropicRequestMapper.toMessagesRequest(call.body(), target.model(), maxTokens(exchange));
        } catch (ApiException refused) {
            refuse(exchange, refused.error());
            return;
        }
        message.setBody(Json.bytes(body));
        message.setHeader(Exchange.HTTP_PATH, PATH);
        UpstreamResponses.jsonRequestHeaders(message, call.stream());
        keys.sign(message, "x-api-key", "", ProviderTarget.of(exchange).provider());
    }

    /** Turns Anthropic's HTTP answer into a result; throws on technical failures so failover moves on. */
    public ProviderResult fromUpstream(Exchange exchange) throws IOException, ProviderFailureException {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        InputStream body = message.getBody(InputStream.class);
        long created = Instant.now().getEpochSecond();
        if (status < 200 || status >= 300) {
            byte[] bytes = UpstreamResponses.readCapped(body);
            // 429, 408, 5xx (Anthropic's 529 overloaded among them) are thrown here and fail over
            UpstreamResponses.errorResult(target.provider(), status, bytes);
            OpenAiError error = AnthropicErrors.toOpenAi(status, readJson(bytes));
            return new ProviderResult.Rejected(UpstreamResponses.redacted(error));
        }
        if (call.stream()) {
            UpstreamResponses.requireEventStream(message, body, status, target.provider());
            AnthropicStreamMapper mapper = new AnthropicStreamMapper(target.model(), created);
            AnthropicChunkStream chunks = new AnthropicChunkStream(body, mapper);
            return UpstreamResponses.streaming(chunks, chunks::peek, status);
        }
        JsonNode json = readJson(UpstreamResponses.readAll(body));
        if (json == null || !"message".equals(json.path("type").asText())) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status, target.provider()
                    + " sent a body that is not a message");
        }
        ObjectNode completion = AnthropicResponseMapper.toChatCompletion(json, created);
        return new ProviderResult.Completed(completion, AnthropicResponseMapper.usage(json.get("usage")));
    }

    private static void refuse(Exchange exchange, OpenAiError error) {
        exchange.setProperty(REFUSED_PROPERTY, true);
        exchange.getMessage().setBody(new ProviderResult.Rejected(error));
    }

    private static int maxTokens(Exchange exchange) {
        Integer configured = exchange.getProperty(MAX_TOKENS_PROPERTY, Integer.class);
        return configured != null && configured > 0 ? configured : AnthropicRequestMapper.DEFAULT_MAX_TOKENS;
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return bytes.length == 0 ? null : Json.read(bytes);
        } catch (IOException notJson) {
            return null;
        }
    }
}
