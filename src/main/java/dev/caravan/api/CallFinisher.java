package dev.caravan.api;

import dev.caravan.call.CallContext;
import dev.caravan.call.CallOutcome;
import dev.caravan.call.RequestIds;
import dev.caravan.ledger.UsageRecorder;
import dev.caravan.metrics.CallMetrics;
import org.apache.camel.Exchange;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The step after the answer: the call's usage event for the ledger wire tap (which settles what it cost) and its
 * access log line and its meters, from the {@link CallOutcome} the answering step left. A stream reaches it only
 * once it ended.
 */
@Component
public class CallFinisher {

    private final CallMetrics metrics;

    public CallFinisher(CallMetrics metrics) {
        this.metrics = metrics;
    }

    public void finish(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        CallOutcome outcome = CallOutcome.of(exchange);
        if (call != null && outcome != null) {
            UsageRecorder.record(exchange, call, outcome.status(), outcome.outcome(), outcome.usage(), outcome.cost(),
                    outcome.firstEventNanos());
            AccessLog.log(call, outcome.status(), outcome.outcome(), outcome.usage());
            metrics.record(call, outcome);
            call.finished(outcome);
        } else if (outcome != null) {
            metrics.recordUnknownCaller(outcome); // refused before it was a call: no key, or not a valid one
        }
        // the intake's thread may be this one (a call answered without going upstream): leave it clean
        MDC.remove(RequestIds.MDC_KEY);
    }
}
