package dev.caravan.provider.gemini;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.FailureKind;
import dev.caravan.call.Operation;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ProviderAdapter;
import dev.caravan.provider.ProviderFailureException;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.ProviderTarget;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.UpstreamResponses;
import dev.caravan.upstream.UpstreamRequest;
import dev.caravan.upstream.UpstreamResponse;
import org.springframework.stereotype.Component;

/**
 * The adapter of the {@code gemini} route template: the client's OpenAI request is translated to Gemini's API
 * ({@code models/<model>:generateContent}, {@code :streamGenerateContent?alt=sse} for streams,
 * {@code :batchEmbedContents} for embeddings), and Gemini's answer back. The translation itself is in the
 * mappers; this class only chooses between them and applies the failover rule. A request the mappers refuse is
 * a 400 without any call.
 */
@Component("gemini")
public class GeminiAdapter implements ProviderAdapter<GeminiSettings> {

    @Override
    public Class<GeminiSettings> settingsType() {
        return GeminiSettings.class;
    }

    @Override
    public UpstreamRequest request(CallContext call, ProviderTarget target, GeminiSettings settings) {
        String model = model(target);
        ObjectNode body;
        String method;
        if (call.operation() == Operation.EMBEDDINGS) {
            body = GeminiEmbeddingsMapper.toBatchEmbedRequest(call.body(), model);
            method = "batchEmbedContents";
        } else {
            body = GeminiRequestMapper.toGenerateContentRequest(call.body());
            method = call.stream() ? "streamGenerateContent?alt=sse" : "generateContent";
        }
        String path = "/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8) + ":" + method;
        return settings.post(path, settings.jsonHeaders(call.stream(), "x-goog-api-key", ""), Json.bytes(body),
                call.stream());
    }

    @Override
    public ProviderResult answer(CallContext call, ProviderTarget target, GeminiSettings settings,
                                 UpstreamResponse.Whole answer) throws ProviderFailureException {
        JsonNode json = UpstreamResponses.jsonOrNull(answer);
        if (!UpstreamResponses.ok(answer)) {
            return UpstreamResponses.errorResult(target.provider(), answer, GeminiErrors.toOpenAi(answer.status(), json));
        }
        if (call.stream()) {
            throw UpstreamResponses.notAStream(target.provider(), answer);
        }
        if (json == null || !json.isObject()) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, answer.status(), target.provider()
                    + " sent a body that is not JSON");
        }
        if (json.has("error")) {
            return new ProviderResult.Rejected(UpstreamResponses.redacted(GeminiErrors.toOpenAi(502, json)));
        }
        String model = model(target);
        if (call.operation() == Operation.EMBEDDINGS) {
            Usage usage = GeminiEmbeddingsMapper.estimatedUsage(call.body());
            boolean base64 = "base64".equals(call.body().path("encoding_format").asText());
            return new ProviderResult.Completed(
                    GeminiEmbeddingsMapper.toEmbeddingsResponse(json, model, base64, usage), usage);
        }
        ObjectNode completion = GeminiResponseMapper.toChatCompletion(json, model, fallbackId(),
                Instant.now().getEpochSecond());
        return new ProviderResult.Completed(completion, GeminiResponseMapper.usage(json.get("usageMetadata")));
    }

    @Override
    public StreamTranslator stream(CallContext call, ProviderTarget target, GeminiSettings settings) {
        return new GeminiStreamTranslator(new GeminiStreamMapper(model(target), fallbackId(),
                Instant.now().getEpochSecond()));
    }

    /** Gemini's answers carry no id of their own: a chat completion id for clients that want one. */
    private static String fallbackId() {
        return "chatcmpl-" + UUID.randomUUID();
    }

    /** The model id without the {@code models/} prefix Gemini's own names carry. */
    private static String model(ProviderTarget target) {
        String model = target.model() == null ? "" : target.model();
        return model.startsWith("models/") ? model.substring("models/".length()) : model;
    }
}
