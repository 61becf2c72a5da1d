package dev.caravan.admin.http;

import dev.caravan.api.ErrorResponder;
import org.apache.camel.builder.RouteBuilder;

/**
 * The shape every accounts endpoint shares: a {@code platform-http} route per method and path that
 * authenticates the caller, runs one handler and writes its JSON reply. Whatever a step throws is turned
 * into an OpenAI-shaped error by the gateway's {@link ErrorResponder}, as on the model endpoints.
 */
public abstract class AccountRoutes extends RouteBuilder {

    private final ErrorResponder errors;
    private final CallerAuthentication authentication;

    protected AccountRoutes(ErrorResponder errors, CallerAuthentication authentication) {
        this.errors = errors;
        this.authentication = authentication;
    }

    @Override
    public final void configure() {
        onException(Exception.class)
                .handled(true)
                .process(errors::respond);
        endpoints();
    }

    /** Declares the endpoints with {@link #endpoint}. */
    protected abstract void endpoints();

    /**
     * One endpoint. Paths may hold {@code {name}} segments, read with {@link ApiRequest#pathId}; other methods on
     * the same path get 405 from the HTTP server (http/HttpErrors).
     */
    protected void endpoint(String method, String path, String routeId, Access access, ApiHandler handler) {
        from("platform-http:" + path + "?httpMethodRestrict=" + method)
                .routeId(routeId)
                .process(exchange -> authentication.authenticate(exchange, access))
                .process(exchange -> handler.handle(ApiRequest.of(exchange)).write(exchange));
    }
}
