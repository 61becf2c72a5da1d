package dev.caravan.routing;

import dev.caravan.call.CallContext;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import org.springframework.stereotype.Component;

/**
 * Turns the {@code model} a client sent into the endpoint that serves it: a profile name goes to its
 * {@code direct:profile-<name>} route, a {@code provider/model} id to the {@link RawModelRoutes raw-model route},
 * which applies the default quota and calls that provider.
 */
@Component
public class ModelResolver {

    private final RouteCatalog catalog;

    public ModelResolver(RouteCatalog catalog) {
        this.catalog = catalog;
    }

    /** The endpoint URI for the call; records the profile or raw model on the call. */
    public String resolve(CallContext call) {
        String model = call.requestedModel();
        if (catalog.profile(model) != null) {
            call.profile(model);
            return "direct:" + RouteCatalog.PROFILE_ROUTE_PREFIX + model;
        }
        int slash = model.indexOf('/');
        if (slash > 0 && slash < model.length() - 1) {
            ProviderInfo provider = catalog.provider(model.substring(0, slash));
            if (provider != null && provider.offered()) {
                call.rawModel(model.substring(slash + 1));
                call.rawProvider(provider.name());
                return RawModelRoutes.ENDPOINT;
            }
        }
        throw modelNotFound(model);
    }

    public static ApiException modelNotFound(String model) {
        return new ApiException(new OpenAiError(404, "The model `" + model
                + "` does not exist or you do not have access to it.", OpenAiError.INVALID_REQUEST, "model", "model_not_found"));
    }
}
