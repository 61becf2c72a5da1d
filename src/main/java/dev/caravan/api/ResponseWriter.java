package dev.caravan.api;

import java.math.BigDecimal;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.billing.Pricing;
import dev.caravan.call.CallContext;
import dev.caravan.call.CallOutcome;
import dev.caravan.openai.CompletionTokens;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ProviderResult;
import dev.caravan.upstream.UpstreamComponent;
import io.vertx.core.Context;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.AsyncProcessorSupport;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * The step that answers a model call. A JSON answer (with {@code usage.cost} and {@code x-caravan-cost} added)
 * or a provider's business error is left on the message for the HTTP consumer to write; a stream is written
 * event by event by {@link SseWriter}, and this step completes only when the stream has ended (asynchronously:
 * no thread waits for it). Either way it leaves the call's {@link CallOutcome} for {@link CallFinisher}. An answer
 * whose provider reported no usage is counted with the tokenizer on a request thread, not on the event loop.
 */
@Component
public class ResponseWriter extends AsyncProcessorSupport {

    public static final String COST_HEADER = "x-caravan-cost";

    private final Pricing pricing;
    private final Executor counting;

    /** @param counting where an answer without reported usage is counted (a tokenizer run): off the event loop */
    public ResponseWriter(Pricing pricing, @Qualifier("requestExecutor") Executor counting) {
        this.pricing = pricing;
        this.counting = counting;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CallContext call = CallContext.of(exchange);
        Message message = exchange.getMessage();
        Object result = message.getBody();
        // only Caravan's own headers go back: provider headers (cookies, their rate limits, ids) stay here
        message.removeHeaders("*");
        try {
            if (result instanceof ProviderResult.Streaming streaming) {
                message.setBody(null);
                SseWriter.start(call, streaming.chunks(), call.response(),
                        exchange.getProperty(UpstreamComponent.CONTEXT_PROPERTY, Context.class), usage -> pricing.cost(call, usage), streamed -> {
                    if (streamed.reported() != null) {
                        streamEnded(exchange, call, streamed, streamed.reported());
                        callback.done(false);
                    } else {
                        // counted by Caravan: the provider reported no usage, or the stream ended before it did
                        offTheLoop(exchange, callback, () -> streamEnded(exchange, call, streamed, new Usage(
                                call.promptTokens(), CompletionTokens.ofChunks(streamed.generated()), 0, true)));
                    }
                });
                return false;
            }
            if (result instanceof ProviderResult.Completed completed && completed.usage() == null) {
                // counting the answer is a tokenizer run over all of it: not on the event loop
                offTheLoop(exchange, callback, () -> writeCompleted(exchange, message, call, completed));
                return false;
            }
            if (result instanceof ProviderResult.Completed completed) {
                writeCompleted(exchange, message, call, completed);
            } else if (result instanceof ProviderResult.Rejected rejected) {
                json(message, call, rejected.error().status(), rejected.error().toBytes());
                new CallOutcome(rejected.error().status(), "rejected", null, null, null).leaveOn(exchange);
            } else {
                throw new IllegalStateException("provider route left no result");
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        callback.done(true);
        return true;
    }

    /**
     * Runs a tokenizer count, then completes the step: on a request thread when called on the event loop, in
     * place when already on one (or when the pool is gone at shutdown: counting on the loop beats never answering).
     */
    private void offTheLoop(Exchange exchange, AsyncCallback callback, Runnable count) {
        Runnable step = () -> {
            try {
                count.run();
            } catch (RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(false);
        };
        if (!Context.isOnEventLoopThread()) {
            step.run();
            return;
        }
        try {
            counting.execute(step);
        } catch (RejectedExecutionException shuttingDown) {
            step.run();
        }
    }

    private void streamEnded(Exchange exchange, CallContext call, SseWriter.Result streamed, Usage usage) {
        String outcome = streamed.outcome() == SseWriter.Outcome.COMPLETED && call.fromCache() ? CallOutcome.CACHE_HIT
                : streamed.outcome().name().toLowerCase();
        new CallOutcome(200, outcome, usage, pricing.cost(call, usage), streamed.firstEventNanos()).leaveOn(exchange);
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
        new CallOutcome(200, call.fromCache() ? CallOutcome.CACHE_HIT : CallOutcome.COMPLETED, usage, cost, null)
                .leaveOn(exchange);
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
