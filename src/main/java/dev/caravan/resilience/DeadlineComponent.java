package dev.caravan.resilience;

import java.time.Duration;
import java.util.Map;

import dev.caravan.call.CallContext;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Component;

/**
 * {@code deadline:<duration>} ({@code deadline:20s}, {@code deadline:1500ms}), a step of a profile route before
 * its provider step: this profile's total deadline per call, counted from the call's start, instead of
 * {@code caravan.resilience.total-deadline}. A profile of fast models can promise its callers an answer (or a 504)
 * sooner than the gateway's default allows. {@code deadline:0} turns the deadline off for the profile.
 */
@Component("deadline")
public class DeadlineComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        Duration deadline = DurationStyle.detectAndParse(remaining.trim());
        if (deadline.isNegative()) {
            throw new IllegalArgumentException("deadline: needs a duration of 0 or more, got " + remaining);
        }
        return new DeadlineEndpoint(uri, this, deadline);
    }

    /** See {@link DeadlineComponent}. */
    @UriEndpoint(firstVersion = "0.1.0", scheme = "deadline", title = "Caravan total deadline",
            syntax = "deadline:duration", producerOnly = true, category = {Category.CORE})
    public static class DeadlineEndpoint extends DefaultEndpoint {

        @UriPath(description = "The total deadline of the profile's calls, e.g. 20s")
        private final Duration deadline;

        DeadlineEndpoint(String uri, DeadlineComponent component, Duration deadline) {
            super(uri, component);
            this.deadline = deadline;
        }

        @Override
        public Producer createProducer() {
            long nanos = deadline.toNanos();
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) {
                    CallContext call = CallContext.of(exchange);
                    if (call != null) {
                        call.deadlineAfter(nanos);
                    }
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("deadline: is a producer only endpoint");
        }

        @Override
        public boolean isRemote() {
            return false;
        }
    }
}
