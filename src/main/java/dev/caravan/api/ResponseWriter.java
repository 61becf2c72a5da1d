package dev.caravan.api;

import java.math.BigDecimal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.billing.Pricing;
import dev.caravan.call.CallContext;
import dev.caravan.ledger.UsageRecorder;
import dev.caravan.openai.CompletionTokens;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ProviderResult;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * The last step of a model call: a JSON answer (with {@code usage.cost} and {@code x-caravan-cost} added) or a
 * provider's business error is left on the message for the HTTP consumer to write; a stream is written event by
 * event by {@link SseWriter}, straight to the client's response. Either way the call's usage event is left for
 * the ledger wire tap.
 */
@Component
public class ResponseWriter {

    public static final String COST_HEADER = "x-caravan-cost";

    private final Pricing pricing;

    public ResponseWriter(Pricing pricing) {
        this.pricing = pricing;
    }

    public void write(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        Message message = exchange.getMessage();
        Object result = message.getBody();
        // only Caravan's own headers go back: provider headers (cookies, their rate limits, ids) stay here
        message.removeHeaders("*");
        if (result instanceof ProviderResult.Streaming streaming) {
            SseWriter.Result streamed = SseWriter.write(call, streaming.chunks(), call.response(),
                    usage -> pricing.cost(call, usage));
            message.setBody(null);
            String outcome = streamed.outcome().name().toLowerCase();
            UsageRecorder.record(exchange, call, 200, outcome, streamed.usage(), pricing.cost(call, streamed.usage()),
                    streamed.firstEventNanos());
            AccessLog.log(call, 200, outcome, streamed.usage());
        } else if (result instanceof ProviderResult.Completed completed) {
            writeCompleted(exchange, message, call, completed);
        } else if (result instanceof ProviderResult.Rejected rejected) {
            json(message, call, rejected.error().status(), rejected.error().toBytes());
            UsageRecorder.record(exchange, call, rejected.error().status(), "rejected", null, null, null);
            AccessLog.log(call, rejected.error().status(), "rejected", null);
        } else {
            throw new IllegalStateException("provider route left no result");
        }
    }

    private void writeCompleted(Exchange exchange, Message message, CallContext call, ProviderResult.Completed completed) {
        ObjectNode answer = completed.json();
        Usage usage = completed.usage();
        if (usage == null) {
            // the provider reported no usage: count it, and say so in the usage it is billed on
            usage = new Usage(call.promptTokens(), CompletionTokens.ofCompletion(answer), 0, true);
        }
        BigDecimal cost = pricing.cost(call, usage);
        ObjectNode usageNode = answer.get("usage") instanceof ObjectNode existing ? existing : answer.putObject("usage");
        if (!usageNode.has("prompt_tokens")) {
            usageNode.setAll(usage.toJson());
        }
        usageNode.put("cost", cost.stripTrailingZeros());
        json(message, call, 200, Json.bytes(answer));
        message.setHeader(COST_HEADER, cost.stripTrailingZeros().toPlainString());
        UsageRecorder.record(exchange, call, 200, "completed", usage, cost, null);
        AccessLog.log(call, 200, "completed", usage);
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
