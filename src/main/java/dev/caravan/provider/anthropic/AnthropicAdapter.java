package dev.caravan.provider.anthropic;

import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.FailureKind;
import dev.caravan.call.Operation;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
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
 * The adapter of the {@code anthropic} route template: the client's OpenAI request is translated to an
 * Anthropic Messages request ({@code POST /v1/messages}), and Anthropic's answer, whole or streamed, back to
 * OpenAI's shapes. The translation itself is in the mappers; this class only chooses between them and applies
 * the failover rule. A request the mappers refuse (a parameter Anthropic lacks) is a 400 without any call.
 */
@Component("anthropic")
public class AnthropicAdapter implements ProviderAdapter<AnthropicSettings> {

    private static final String PATH = "/v1/messages";

    @Override
    public Class<AnthropicSettings> settingsType() {
        return AnthropicSettings.class;
    }

    @Override
    public UpstreamRequest request(CallContext call, ProviderTarget target, AnthropicSettings settings) {
        if (call.operation() != Operation.CHAT) {
            throw new ApiException(OpenAiError.invalidRequest("Anthropic offers no embeddings: `" + target.model()
                    + "` cannot be used with /v1/embeddings.", "model"));
        }
        byte[] body = Json.bytes(AnthropicRequestMapper.toMessagesRequest(call.body(), target.model(),
                settings.getMaxTokens()));
        return settings.post(PATH, settings.jsonHeaders(call.stream(), "x-api-key", "")
                .with("anthropic-version", settings.getAnthropicVersion()), body, call.stream());
    }

    @Override
    public ProviderResult answer(CallContext call, ProviderTarget target, AnthropicSettings settings,
                                 UpstreamResponse.Whole answer) throws ProviderFailureException {
        JsonNode json = UpstreamResponses.jsonOrNull(answer);
        if (!UpstreamResponses.ok(answer)) {
            return UpstreamResponses.errorResult(target.provider(), answer, AnthropicErrors.toOpenAi(answer.status(), json));
        }
        if (call.stream()) {
            throw UpstreamResponses.notAStream(target.provider(), answer);
        }
        if (json == null || !"message".equals(json.path("type").asText())) {
            throw new ProviderFailureException(FailureKind.SERVER_ERROR, answer.status(), target.provider()
                    + " sent a body that is not a message");
        }
        return new ProviderResult.Completed(AnthropicResponseMapper.toChatCompletion(json, Instant.now().getEpochSecond()),
                AnthropicResponseMapper.usage(json.get("usage")));
    }

    @Override
    public StreamTranslator stream(CallContext call, ProviderTarget target, AnthropicSettings settings) {
        return new AnthropicStreamTranslator(new AnthropicStreamMapper(target.model(), Instant.now().getEpochSecond()));
    }
}
