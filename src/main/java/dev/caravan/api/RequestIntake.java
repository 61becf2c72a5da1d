package dev.caravan.api;

import java.io.IOException;
import java.io.InputStream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.Authenticator;
import dev.caravan.account.Identity;
import dev.caravan.account.RequestCredentials;
import dev.caravan.call.CallContext;
import dev.caravan.call.Operation;
import dev.caravan.call.RequestIds;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Json;
import dev.caravan.openai.OpenAiError;
import dev.caravan.routing.ModelResolver;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The first step of every model call: request id, authentication, JSON parsing, validation, model resolution
 * and the key's scopes. It leaves a
 * {@link CallContext} on the exchange and the endpoint to call in {@link #TARGET_PROPERTY}.
 */
@Component
public class RequestIntake {

    public static final String TARGET_PROPERTY = "caravanTarget";
    public static final String MDC_KEY = "requestId";

    private final ModelResolver resolver;
    private final Authenticator authenticator;

    public RequestIntake(ModelResolver resolver, Authenticator authenticator) {
        this.resolver = resolver;
        this.authenticator = authenticator;
    }

    public void chat(Exchange exchange) {
        intake(exchange, Operation.CHAT);
    }

    public void embeddings(Exchange exchange) {
        intake(exchange, Operation.EMBEDDINGS);
    }

    private void intake(Exchange exchange, Operation operation) {
        Message in = exchange.getIn();
        // the client's x-request-id is echoed and logged, but billing keys on an id of our own (see CallContext)
        String clientRequestId = RequestIds.sane(in.getHeader(RequestIds.HEADER, String.class));
        String requestId = RequestIds.newId();
        String shownId = clientRequestId != null ? clientRequestId : requestId;
        MDC.put(MDC_KEY, shownId);
        exchange.setProperty(RequestIds.HEADER, shownId);
        // who is calling comes first: a bad key is refused whatever the body says
        Identity identity = authenticator.authenticate(RequestCredentials.from(in));
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
        CallContext call = new CallContext(requestId, clientRequestId, operation, response, body, identity);
        exchange.setProperty(CallContext.PROPERTY, call);
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
