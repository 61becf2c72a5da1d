package dev.caravan.provider.azure;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.Operation;

/**
 * What differs between an OpenAI request and the same request to Azure OpenAI: the deployment in the path,
 * the {@code api-version} query, and the body's {@code model}, which Azure takes from the deployment and
 * so is left out. Everything else in the body goes as the client wrote it (Azure speaks OpenAI's format),
 * with usage reporting switched on for streams so that every stream can be metered. Pure.
 */
public final class AzureRequests {

    private AzureRequests() {
    }

    /**
     * The deployment that serves {@code model}: the one {@code deployments} names for it
     * ({@code model=deployment} pairs, comma-separated), else a deployment named like the model.
     */
    public static String deployment(String model, String deployments) {
        if (deployments != null) {
            for (String pair : deployments.split(",")) {
                int equals = pair.indexOf('=');
                if (equals > 0 && pair.substring(0, equals).trim().equals(model)) {
                    return pair.substring(equals + 1).trim();
                }
            }
        }
        return model;
    }

    /** The path below the resource endpoint, e.g. {@code /openai/deployments/gpt-4o/chat/completions}. */
    public static String path(String deployment, Operation operation) {
        return "/openai/deployments/" + URLEncoder.encode(deployment, StandardCharsets.UTF_8) + operation.path();
    }

    /** The query string that selects the API version. */
    public static String query(String apiVersion) {
        return "api-version=" + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8);
    }

    /** The body for Azure: a copy of the client's without {@code model}, streams asked for their usage. */
    public static ObjectNode body(ObjectNode clientBody, boolean stream) {
        ObjectNode body = clientBody.deepCopy();
        body.remove("model");
        if (stream) {
            JsonNode options = body.get("stream_options");
            ObjectNode streamOptions = options instanceof ObjectNode o ? o : body.putObject("stream_options");
            streamOptions.put("include_usage", true);
            body.set("stream_options", streamOptions);
        }
        return body;
    }
}
