package dev.caravan.provider.gemini;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.FailureKind;
import dev.caravan.call.Operation;
import dev.caravan.openai.ApiException;
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
 * The two steps around the HTTP call of the {@code gemini} route template: the client's OpenAI request is
 * translated to Gemini's API ({@code models/<model>:generateContent}, {@code :streamGenerateContent?alt=sse}
 * for streams, {@code :batchEmbedContents} for embeddings), and Gemini's answer is translated back. The
 * translation itself is in the mappers; this class only moves bytes, statuses and the failover rule between
 * them and Camel.
 *
 * <p>A request the mappers refuse is answered at once with a 400 {@link ProviderResult.Rejected}; the
 * route sees {@link #REFUSED_PROPERTY} and skips the HTTP call.
 */
@Component("gemini")
public class GeminiAdapter {

    private final ProviderKeys keys;

    public GeminiAdapter(ProviderKeys keys) {
        this.keys = keys;
    }

    /** Set to true when the request was refused before any call: the route then skips the HTTP call. */
    public static final String REFUSED_PROPERTY = "caravanRefused";

    /** Builds the upstream request: body, path, query, content headers and the key (ProviderKeys), so it never enters the route model. */
    public void toUpstream(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        String model = model(ProviderTarget.of(exchange));
        Message message = exchange.getMessage();
        exchange.setProperty(REFUSED_PROPERTY, false);
        ObjectNode body;
        String method;
        try {
            if (call.operation() == Operation.EMBEDDINGS) {
                body = GeminiEmbeddingsMapper.toBatchEmbedRequest(call.body(), model);
                method = "batchEmbedContents";
            } else {
                body = GeminiRequestMapper.toGenerateContentRequest(call.body());
                method = call.stream() ? "streamGenerateContent" : "generateContent";
            }
        } catch (ApiException refused) {
            exchange.setProperty(REFUSED_PROPERTY, true);
            message.setBody(new ProviderResult.Rejected(refused.error()));
            return;
        }
        message.setBody(Json.bytes(body));
        String path = "/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + ":" + method;
        message.setHeader(Exchange.HTTP_PATH, path);
        UpstreamResponses.jsonRequestHeaders(message, call.stream());
        keys.sign(message, "x-goog-api-key", "", ProviderTarget.of(exchange).provider());
        if (call.stream()) {
            message.setHeader(Exchange.HTTP_QUERY, "alt=sse");
        }
    }

    /** Turns Gemini's HTTP answer into a result; throws on technical failures so failover moves on. */
    public ProviderResult fromUpstream(Exchange exchange) throws IOException, ProviderFailureException {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        Message message = exchange.getMessage();
        int status = message.getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        InputStream body = message.getBody(InputStream.class);
        long created = Instant.now().getEpochSecond();
        String fallbackId = "chatcmpl-" + UUID.randomUUID();
        if (status < 200 || status >= 300) {
            byte[] bytes = UpstreamResponses.readCapped(body);
            // 429 (RESOURCE_EXHAUSTED), 408, 5xx are thrown here and fail over
            UpstreamResponses.errorResult(target.provider(), status, bytes);
            OpenAiError error = GeminiErrors.toOpenAi(status, readJson(bytes));
            return new ProviderResult.Rejected(UpstreamResponses.redacted(error));
        }
        if (call.stream()) {
            UpstreamResponses.requireEventStream(message, body, status, target.provider());
            GeminiStreamMapper mapper = new GeminiStreamMapper(model(target), fallbackId, created);
            GeminiChunkStream chunks = new GeminiChunkStream(body, mapper);
            return UpstreamResponses.streaming(chunks, chunks::peek, status);
        }
        JsonNode json = readJson(UpstreamResponses.readAll(body));
        if (json == null || !json.isObject()) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, status, target.provider()
                    + " sent a body that is not JSON");
        }
        if (json.has("error")) {
            return new ProviderResult.Rejected(UpstreamResponses.redacted(GeminiErrors.toOpenAi(502, json)));
        }
        if (call.operation() == Operation.EMBEDDINGS) {
            Usage usage = GeminiEmbeddingsMapper.estimatedUsage(call.body());
            boolean base64 = "base64".equals(call.body().path("encoding_format").asText());
            ObjectNode list = GeminiEmbeddingsMapper.toEmbeddingsResponse(json, model(target), base64, usage);
            return new ProviderResult.Completed(list, usage);
        }
        ObjectNode completion = GeminiResponseMapper.toChatCompletion(json, model(target), fallbackId, created);
        Usage usage = GeminiResponseMapper.usage(json.get("usageMetadata"));
        return new ProviderResult.Completed(completion, usage);
    }

    /** The model id without the {@code models/} prefix Gemini's own names carry. */
    private static String model(ProviderTarget target) {
        String model = target.model() == null ? "" : target.model();
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }

    private static JsonNode readJson(byte[] bytes) {
        try {
            return bytes.length == 0 ? null : Json.read(bytes);
        } catch (IOException notJson) {
            return null;
        }
    }
}
