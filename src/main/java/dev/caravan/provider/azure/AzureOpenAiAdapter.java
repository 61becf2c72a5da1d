package dev.caravan.provider.azure;

import java.io.IOException;

import dev.caravan.call.CallContext;
import dev.caravan.openai.Json;
import dev.caravan.provider.ProviderFailureException;
import dev.caravan.provider.ProviderKeys;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.ProviderTarget;
import dev.caravan.provider.UpstreamResponses;
import dev.caravan.provider.openai.OpenAiCompatibleAdapter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The two steps around the HTTP call of the {@code azure-openai} route template. Azure OpenAI speaks
 * OpenAI's wire format, so only the way there differs (deployment URL, {@code api-version}, no
 * {@code model} in the body; the {@code api-key} header is added here from ProviderKeys); the answer, streamed or
 * not, and its errors are read exactly as for any OpenAI-compatible provider.
 */
@Component("azureOpenAi")
public class AzureOpenAiAdapter {

    /** The route's {@code apiVersion} parameter. */
    public static final String API_VERSION_PROPERTY = "caravanAzureApiVersion";
    /** The route's {@code deployments} parameter: {@code model=deployment} pairs. */
    public static final String DEPLOYMENTS_PROPERTY = "caravanAzureDeployments";
    /** The GA inference API version used when the route names none. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    private final OpenAiCompatibleAdapter openAi;

    private final ProviderKeys keys;

    public AzureOpenAiAdapter(OpenAiCompatibleAdapter openAi, ProviderKeys keys) {
        this.keys = keys;
        this.openAi = openAi;
    }

    /** Builds the upstream request in the message: body, path, query and content headers. */
    public void toUpstream(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        String deployments = exchange.getProperty(DEPLOYMENTS_PROPERTY, String.class);
        String deployment = AzureRequests.deployment(target.model(), deployments);
        Message message = exchange.getMessage();
        message.setBody(Json.bytes(AzureRequests.body(call.body(), call.stream())));
        message.setHeader(Exchange.HTTP_PATH, AzureRequests.path(deployment, call.operation()));
        String apiVersion = exchange.getProperty(API_VERSION_PROPERTY, String.class);
        message.setHeader(Exchange.HTTP_QUERY, AzureRequests.query(
                apiVersion == null || apiVersion.isBlank() ? DEFAULT_API_VERSION : apiVersion.trim()));
        UpstreamResponses.jsonRequestHeaders(message, call.stream());
        keys.sign(message, "api-key", "", ProviderTarget.of(exchange).provider());
    }

    /**
     * Azure answers in OpenAI's format: read as for any OpenAI-compatible provider, with Azure's
     * prompt-filter-only chunk left out of streams.
     */
    public ProviderResult fromUpstream(Exchange exchange) throws IOException, ProviderFailureException {
        ProviderResult result = openAi.fromUpstream(exchange);
        if (result instanceof ProviderResult.Streaming streaming) {
            return new ProviderResult.Streaming(new AzureChunkStream(streaming.chunks()));
        }
        return result;
    }
}
