package dev.caravan.api;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.Authenticator;
import dev.caravan.account.Identity;
import dev.caravan.account.RequestCredentials;
import dev.caravan.cache.CacheHeaders;
import dev.caravan.call.CallContext;
import dev.caravan.call.Operation;
import dev.caravan.call.RequestIds;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.routing.ModelResolver;
import dev.caravan.routing.RawModelRoutes;
import io.vertx.core.http.HttpServerResponse;
import dev.caravan.eventloop.OffLoop;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The first step of every model call: request id, authentication, JSON parsing, validation, model resolution
 * and the key's scopes. It leaves a
 * {@link CallContext} on the exchange and the endpoint to call in {@link #TARGET_PROPERTY}.
 *
 * <p>Only authentication may wait (for PostgreSQL, when the key is not cached): the route steps {@link #chat()}
 * and {@link #embeddings()} do the intake on the event loop when the key is cached, else on a worker.
 */
@Component
public class RequestIntake {

    public static final String TARGET_PROPERTY = "caravanTarget";

    /**
     * The request headers that steps of a profile route read (the response cache's); kept on the call, since every
     * client header is removed before the routes run.
     */
    static final List<String> STEP_HEADERS = List.of(CacheHeaders.REQUEST, CacheHeaders.TTL);

    private final ModelResolver resolver;
    private final Authenticator authenticator;
    private final OffLoop chat;
    private final OffLoop embeddings;
    /** caravan.resilience.total-deadline: each call's deadline across all its provider tries, 0 = none. */
    private final long totalDeadlineNanos;

    /**
     * @param worker where the intake of a call whose key is not cached runs when the call is on an event loop
     * @param totalDeadline how long a call may wait for an answer to begin, across all providers and retries
     */
    public RequestIntake(ModelResolver resolver, Authenticator authenticator,
            @Qualifier("requestExecutor") Executor worker,
            @Value("${caravan.resilience.total-deadline:180s}") Duration totalDeadline) {
        this.totalDeadlineNanos = totalDeadline.toNanos();
        this.resolver = resolver;
        this.authenticator = authenticator;
        this.chat = OffLoop.step("intake-chat", exchange -> tryIntake(exchange, Operation.CHAT),
                exchange -> intake(exchange, Operation.CHAT), worker);
        this.embeddings = OffLoop.step("intake-embeddings", exchange -> tryIntake(exchange, Operation.EMBEDDINGS),
                exchange -> intake(exchange, Operation.EMBEDDINGS), worker);
    }

    /** The route step of a chat completion. */
    public OffLoop chat() {
        return chat;
    }

    /** The route step of an embeddings call. */
    public OffLoop embeddings() {
        return embeddings;
    }

    /** The intake of a chat completion, waiting for the database when the key is not cached. */
    public void chat(Exchange exchange) {
        intake(exchange, Operation.CHAT);
    }

    /** The intake of an embeddings call, waiting for the database when the key is not cached. */
    public void embeddings(Exchange exchange) {
        intake(exchange, Operation.EMBEDDINGS);
    }

    /** The intake, waiting for the database when the key is not cached. */
    void intake(Exchange exchange, Operation operation) {
        Message in = exchange.getIn();
        CallIds ids = CallIds.name(exchange, in);
        // who is calling comes first: a bad key is refused whatever the body says
        take(exchange, in, operation, ids, authenticator.authenticate(RequestCredentials.from(in)));
    }

    /**
     * The intake if the caller is known without waiting (see {@link Authenticator#authenticateCached}); false
     * when only the database knows. What it did then (naming the call) is done again by {@link #intake}.
     */
    boolean tryIntake(Exchange exchange, Operation operation) {
        Message in = exchange.getIn();
        CallIds ids = CallIds.name(exchange, in);
        Optional<Identity> identity = authenticator.authenticateCached(RequestCredentials.from(in));
        identity.ifPresent(caller -> take(exchange, in, operation, ids, caller));
        return identity.isPresent();
    }

    /**
     * A call's ids: the client's x-request-id is echoed and logged, but billing keys on an id of our own (see
     * CallContext).
     */
    private record CallIds(String requestId, String clientRequestId) {

        /** New ids for the call, shown in the log and kept for its error answer from here on. */
        static CallIds name(Exchange exchange, Message in) {
            CallIds ids = new CallIds(RequestIds.newId(), RequestIds.sane(in.getHeader(RequestIds.HEADER, String.class)));
            MDC.put(RequestIds.MDC_KEY, ids.shown());
            exchange.setProperty(RequestIds.HEADER, ids.shown());
            return ids;
        }

        String shown() {
            return clientRequestId != null ? clientRequestId : requestId;
        }
    }

    /** Everything after authentication: the body, the call's context, its model and the key's scopes. */
    private void take(Exchange exchange, Message in, Operation operation, CallIds ids, Identity identity) {
        exchange.setProperty(Identity.PROPERTY, identity);
        HttpServerResponse response = in instanceof HttpMessage http ? http.getResponse() : null;
        // the call exists from here on, so that every authenticated call has its ledger row, a refused one too
        ObjectNode body;
        ApiException unreadable = null;
        try {
            body = parse(in.getBody(InputStream.class));
        } catch (ApiException e) {
            body = Json.MAPPER.createObjectNode();
            unreadable = e;
        }
        CallContext call = new CallContext(ids.requestId(), ids.clientRequestId(), operation, response, body, identity);
        call.deadlineAfter(totalDeadlineNanos);
        exchange.setProperty(CallContext.PROPERTY, call);
        for (String name : STEP_HEADERS) {
            String value = in.getHeader(name, String.class);
            if (value != null) {
                call.stepHeader(name, value);
            }
        }
        if (unreadable != null) {
            throw unreadable;
        }
        if (operation == Operation.CHAT) {
            ChatRequestValidator.validate(body);
        } else {
            EmbeddingsRequestValidator.validate(body);
        }
        String target = resolver.resolve(call);
        if (!identity.allows(call.requestedModel())) {
            throw new ApiException(new OpenAiError(403, "This API key may not use the model `" + call.requestedModel()
                    + "`.", OpenAiError.PERMISSION, "model", "model_not_allowed"));
        }
        exchange.setProperty(TARGET_PROPERTY, target);
        if (call.rawProvider() != null) {
            exchange.setProperty(RawModelRoutes.PROVIDER_PROPERTY, call.rawProvider());
        }
        // nothing the client sent as a header travels further (auth, cookies, hop-by-hop headers)
        in.removeHeaders("*");
        in.setBody(null);
    }

    private static ObjectNode parse(InputStream body) {
        if (body == null) {
            throw ApiException.invalid("We could not parse the JSON body of your request: the body is empty. "
                    + "(HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a "
                    + "JSON payload.)", null);
        }
        JsonNode node;
        try (body) {
            node = Json.read(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("We could not parse the JSON body of your request. (HINT: This likely means "
                    + "you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
                    + "sent was not valid JSON.)", null);
        } catch (IOException e) {
            throw ApiException.invalid("The request body could not be read.", null);
        }
        if (node == null || node.isMissingNode()) {
            throw ApiException.invalid("We could not parse the JSON body of your request: the body is empty.", null);
        }
        if (!node.isObject()) {
            throw ApiException.invalid("Invalid body: expected a JSON object.", null);
        }
        return (ObjectNode) node;
    }
}
