package dev.caravan.api;

import dev.caravan.call.CallContext;
import dev.caravan.call.CallOutcome;
import dev.caravan.call.RequestIds;
import dev.caravan.ledger.UsageRecorder;
import org.apache.camel.Exchange;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * The step after the answer: the call's usage event for the ledger wire tap (which settles what it cost) and its
 * access log line, from the {@link CallOutcome} the answering step left. A stream reaches it only once it ended.
 */
@Component
public class CallFinisher {

    public void finish(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        CallOutcome outcome = CallOutcome.of(exchange);
        if (call != null && outcome != null) {
            UsageRecorder.record(exchange, call, outcome.status(), outcome.outcome(), outcome.usage(), outcome.cost(),
                    outcome.firstEventNanos());
            AccessLog.log(call, outcome.status(), outcome.outcome(), outcome.usage());
            call.finished(outcome);
        }
        // the intake's thread may be this one (a call answered without going upstream): leave it clean
        MDC.remove(RequestIds.MDC_KEY);
    }
}
