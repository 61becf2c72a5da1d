package dev.caravan.warmup;

import dev.caravan.routing.RouteCatalog;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * The warm-up's own profile and provider, made as the YAML makes them (the {@code openai-compatible} template,
 * a failover over it) and pointed at {@link WarmUpUpstream}; removed again before the gateway is ready, so no
 * client ever sees them.
 */
final class WarmUpRoutes implements AutoCloseable {

    /** The profile name and the provider name: clients of the warm-up call {@code caravan-warm-up} or {@code caravan-warm-up/warm-up}. */
    static final String NAME = "caravan-warm-up";

    private static final String PROVIDER_ROUTE = RouteCatalog.PROVIDER_ROUTE_PREFIX + NAME;
    private static final String PROFILE_ROUTE = RouteCatalog.PROFILE_ROUTE_PREFIX + NAME;

    private final CamelContext camel;

    private WarmUpRoutes(CamelContext camel) {
        this.camel = camel;
    }

    static WarmUpRoutes add(CamelContext camel, String baseUrl) throws Exception {
        WarmUpRoutes routes = new WarmUpRoutes(camel);
        try {
            TemplatedRouteBuilder.builder(camel, "openai-compatible").routeId(PROVIDER_ROUTE)
                    .parameter("name", NAME)
                    .parameter("baseUrl", baseUrl)
                    .parameter("apiKey", "warm-up")
                    .parameter("model", WarmUpUpstream.MODEL)
                    .add();
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:" + PROFILE_ROUTE).routeId(PROFILE_ROUTE).routeConfigurationId("caravan-defaults")
                            .loadBalance().failover().to("provider:" + NAME).end();
                }
            });
            return routes;
        } catch (Exception | Error e) {
            routes.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        for (String id : new String[] {PROFILE_ROUTE, PROVIDER_ROUTE}) {
            if (camel.getRoute(id) != null) {
                camel.getRouteController().stopRoute(id);
                camel.removeRoute(id);
            }
        }
    }
}
