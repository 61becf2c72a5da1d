package dev.caravan.provider.azure;

import dev.caravan.call.CallContext;
import dev.caravan.openai.Json;
import dev.caravan.provider.ProviderAdapter;
import dev.caravan.provider.ProviderFailureException;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.ProviderTarget;
import dev.caravan.provider.StreamTranslator;
import dev.caravan.provider.openai.OpenAiCompatibleAdapter;
import dev.caravan.upstream.UpstreamRequest;
import dev.caravan.upstream.UpstreamResponse;
import org.springframework.stereotype.Component;

/**
 * The adapter of the {@code azure-openai} route template. Azure OpenAI speaks OpenAI's wire format, so only the
 * way there differs (deployment URL, {@code api-version}, no {@code model} in the body, an {@code api-key}
 * header); the answer, streamed or not, and its errors are read as for any OpenAI-compatible provider, with
 * Azure's prompt-filter-only chunk left out of streams.
 */
@Component("azureOpenAi")
public class AzureOpenAiAdapter implements ProviderAdapter<AzureSettings> {

    private final OpenAiCompatibleAdapter openAi;

    public AzureOpenAiAdapter(OpenAiCompatibleAdapter openAi) {
        this.openAi = openAi;
    }

    @Override
    public Class<AzureSettings> settingsType() {
        return AzureSettings.class;
    }

    @Override
    public UpstreamRequest request(CallContext call, ProviderTarget target, AzureSettings settings) {
        String deployment = AzureRequests.deployment(target.model(), settings.getDeployments());
        String path = AzureRequests.path(deployment, call.operation()) + "?" + AzureRequests.query(settings.getApiVersion());
        return settings.post(path, settings.jsonHeaders(call.stream(), "api-key", ""),
                Json.bytes(AzureRequests.body(call.body(), call.stream())), call.stream());
    }

    @Override
    public ProviderResult answer(CallContext call, ProviderTarget target, AzureSettings settings,
                                 UpstreamResponse.Whole answer) throws ProviderFailureException {
        return openAi.answer(call, target, settings, answer);
    }

    @Override
    public StreamTranslator stream(CallContext call, ProviderTarget target, AzureSettings settings) {
        return new AzureStreamTranslator();
    }
}
