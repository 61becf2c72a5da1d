package dev.caravan.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.FailureKind;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ProviderAdapter;
import dev.caravan.provider.ProviderFailureException;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.ProviderSettings;
import dev.caravan.provider.ProviderTarget;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.UpstreamResponses;
import dev.caravan.upstream.UpstreamRequest;
import dev.caravan.upstream.UpstreamResponse;
import org.springframework.stereotype.Component;

/**
 * The adapter of the {@code openai-compatible} route template: the client's request goes upstream unchanged
 * except for the model name (and usage reporting switched on for streams, so that every stream can be
 * metered), and the provider's answer comes back as it was written.
 */
@Component("openAiCompatible")
public class OpenAiCompatibleAdapter implements ProviderAdapter<ProviderSettings> {

    @Override
    public Class<ProviderSettings> settingsType() {
        return ProviderSettings.class;
    }

    @Override
    public UpstreamRequest request(CallContext call, ProviderTarget target, ProviderSettings settings) {
        return settings.post(call.operation().path(), settings.jsonHeaders(call.stream(), "authorization", "Bearer "),
                Json.bytes(body(call, target)), call.stream());
    }

    /** The client's body with the upstream model, and a stream's usage asked for. */
    static ObjectNode body(CallContext call, ProviderTarget target) {
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
        return body;
    }

    @Override
    public ProviderResult answer(CallContext call, ProviderTarget target, ProviderSettings settings,
                                 UpstreamResponse.Whole answer) throws ProviderFailureException {
        if (!UpstreamResponses.ok(answer)) {
            return UpstreamResponses.errorResult(target.provider(), answer);
        }
        JsonNode json = UpstreamResponses.jsonOrNull(answer);
        if (!(json instanceof ObjectNode object)) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, answer.status(),
                    json == null ? "provider sent a body that is not JSON" : "provider sent JSON that is not an object");
        }
        if (json.has("error") && !json.has("choices") && !json.has("data")) {
            // some providers answer 200 with an error object
            return new ProviderResult.Rejected(UpstreamResponses.redacted(
                    OpenAiError.fromProvider(502, json, "provider error")));
        }
        Usage usage = Usage.fromJson(json.get("usage"));
        if (call.stream()) {
            // asked to stream, the provider answered in one piece: replay it as a one-chunk stream
            return new ProviderResult.Streaming(CompletionAsStream.of(object, usage));
        }
        return new ProviderResult.Completed(object, usage);
    }

    @Override
    public StreamTranslator stream(CallContext call, ProviderTarget target, ProviderSettings settings) {
        return new OpenAiStreamTranslator();
    }
}
