package dev.caravan.routing;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The route of a raw {@code provider/model} id (no profile): the default quota, then that one provider, no
 * failover and no cache. A profile route chooses its own steps; this is the profile of calls that name a provider.
 */
@Component
public class RawModelRoutes extends RouteBuilder {

    public static final String ENDPOINT = "direct:raw-model";

    /** The exchange property naming the provider instance the call goes to. */
    public static final String PROVIDER_PROPERTY = "caravanRawProvider";

    @Override
    public void configure() {
        // a failure goes back to the API route, which answers it OpenAI-shaped (as caravan-defaults does for YAML)
        errorHandler(noErrorHandler());
        from(ENDPOINT).routeId("raw-model")
                .to("quota:default")
                .toD("provider:${exchangeProperty." + PROVIDER_PROPERTY + "}");
    }
}
