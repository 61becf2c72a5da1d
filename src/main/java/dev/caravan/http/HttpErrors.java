package dev.caravan.http;

import java.util.regex.Pattern;

import dev.caravan.call.RequestIds;
import dev.caravan.openai.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;

/**
 * The answers the HTTP server gives before a request reaches a route, in the same OpenAI shape as every other
 * error: a body over the size limit (413, before it is read), an unknown URL (404), a known URL with the wrong
 * method (405), a request the server itself failed on (500, no detail).
 */
final class HttpErrors {

    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{[^/}]+}");

    private HttpErrors() {
    }

    /** Before every route: a declared Content-Length over the limit is refused without reading the body. */
    static void refuseDeclaredOversize(RoutingContext ctx, long limit) {
        String declared = ctx.request().getHeader("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.trim()) > limit) {
                    tooLarge(ctx, limit);
                    return;
                }
            } catch (NumberFormatException e) {
                write(ctx, OpenAiError.invalidRequest("Invalid Content-Length header.", null));
                return;
            }
        }
        ctx.next();
    }

    /** Failures of the server's own handlers: the body handler refuses a chunked body past the limit with 413. */
    static void onFailure(RoutingContext ctx, long limit) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        if (ctx.statusCode() == 413) {
            tooLarge(ctx, limit);
        } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            write(ctx, new OpenAiError(ctx.statusCode(), "The request could not be processed.",
                    OpenAiError.typeForStatus(ctx.statusCode()), null, null));
        } else {
            write(ctx, OpenAiError.internal());
        }
    }

    /** After every route: no route took the request. 405 when another method has a route on this path. */
    static void noRoute(RoutingContext ctx, CamelContext camel) {
        HttpServerRequest request = ctx.request();
        String path = request.path();
        boolean known = camel.getComponent("platform-http", PlatformHttpComponent.class).getHttpEndpoints().stream()
                .anyMatch(endpoint -> matches(endpoint, path));
        if (known) {
            write(ctx, new OpenAiError(405, "Method " + request.method() + " is not allowed on " + path + ".",
                    OpenAiError.INVALID_REQUEST, null, "method_not_allowed"));
        } else {
            write(ctx, new OpenAiError(404, "Unknown request URL: " + request.method() + " " + path
                    + ". Please check the URL for typos, or see the docs at README.md#api.", OpenAiError.INVALID_REQUEST,
                    null, "unknown_url"));
        }
    }

    /** Whether the endpoint's path (with its {@code {parameters}}, or as a prefix) takes {@code path}. */
    private static boolean matches(HttpEndpointModel endpoint, String path) {
        String pattern = "\\Q" + PATH_PARAMETER.matcher(endpoint.getUri()).replaceAll("\\\\E[^/]+\\\\Q") + "\\E";
        boolean prefix = endpoint.getConsumer() != null
                && endpoint.getConsumer().getEndpoint() instanceof PlatformHttpEndpoint http && http.isMatchOnUriPrefix();
        return Pattern.matches(prefix ? pattern + "(/.*)?" : pattern, path);
    }

    private static void tooLarge(RoutingContext ctx, long limit) {
        // the rest of the body is not read: the connection is closed rather than drained
        ctx.response().putHeader("Connection", "close");
        write(ctx, new OpenAiError(413, "Request body too large: the limit is " + limit + " bytes.",
                OpenAiError.INVALID_REQUEST, null, "request_too_large"));
    }

    static void write(RoutingContext ctx, OpenAiError error) {
        write(ctx.response(), ctx.request().getHeader(RequestIds.HEADER), error);
    }

    static void write(HttpServerResponse response, String clientRequestId, OpenAiError error) {
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(error.status()).putHeader("Content-Type", "application/json")
                .putHeader(RequestIds.HEADER, RequestIds.fromClientOrNew(clientRequestId))
                .end(Buffer.buffer(error.toBytes()));
    }
}
