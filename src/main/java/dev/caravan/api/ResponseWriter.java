package dev.caravan.api;

import dev.caravan.provider.ProviderResult;
import dev.caravan.routing.CallContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The last step of a model call: a JSON answer or a provider's business error goes out through Camel's HTTP
 * binding; a stream is written event by event by {@link SseWriter}, straight to the servlet response.
 */
@Component
public class ResponseWriter {

    public void write(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        Message message = exchange.getMessage();
        Object result = message.getBody();
        // only Caravan's own headers go back: provider headers (cookies, their rate limits, ids) stay here
        message.removeHeaders("*");
        if (result instanceof ProviderResult.Streaming streaming) {
            SseWriter.Result streamed = SseWriter.write(call, streaming.chunks(), call.response());
            message.setBody(null);
            AccessLog.log(call, 200, streamed.outcome().name().toLowerCase(), streamed.usage());
        } else if (result instanceof ProviderResult.Completed completed) {
            json(message, call, 200, completed.json());
            AccessLog.log(call, 200, "completed", completed.usage());
        } else if (result instanceof ProviderResult.Rejected rejected) {
            json(message, call, rejected.error().status(), rejected.error().toBytes());
            AccessLog.log(call, rejected.error().status(), "rejected", null);
        } else {
            throw new IllegalStateException("provider route left no result");
        }
    }

    static void json(Message message, CallContext call, int status, byte[] body) {
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setHeader(Exchange.CONTENT_LENGTH, body.length);
        if (call != null) {
            ResponseHeaders.forEach(call, message::setHeader);
        }
        message.setBody(body);
    }
}
