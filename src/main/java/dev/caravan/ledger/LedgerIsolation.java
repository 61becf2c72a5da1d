package dev.caravan.ledger;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Writes a batch that the database refused for good in halves, each half through {@code direct:ledger-write},
 * until every refused event is alone; that one becomes a {@link DeadLetters dead letter}, the rest are written
 * and settled. A batch of 200 with one bad event takes about 16 statements instead of stalling. A half that
 * fails for a reason that passes (the database away) is retried with backoff, as the batch route does.
 */
@Component
public class LedgerIsolation {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerIsolation.class);
    private static final long FIRST_DELAY_MS = 250;
    private static final long MAX_DELAY_MS = 30_000;

    private final ProducerTemplate producer;
    private final DeadLetters deadLetters;

    public LedgerIsolation(ProducerTemplate producer, DeadLetters deadLetters) {
        this.producer = producer;
        this.deadLetters = deadLetters;
    }

    public void isolate(List<UsageEvent> events, Throwable failure) {
        if (events.size() == 1) {
            deadLetters.record(events.get(0), failure);
            return;
        }
        LOG.warn("ledger batch of {} events refused ({}): writing it in halves", events.size(),
                LedgerFailures.describe(failure));
        int middle = events.size() / 2;
        for (List<UsageEvent> half : List.of(events.subList(0, middle), events.subList(middle, events.size()))) {
            Throwable refused = write(List.copyOf(half));
            if (refused != null) {
                isolate(half, refused);
            }
        }
    }

    /** Writes {@code events}; returns the permanent failure that refused them, or null once they are written. */
    private Throwable write(List<UsageEvent> events) {
        long delay = FIRST_DELAY_MS;
        while (true) {
            Exchange result = producer.send("direct:ledger-write", exchange -> exchange.getMessage().setBody(events));
            Throwable failure = result.getException();
            if (failure == null) {
                return null;
            }
            if (LedgerFailures.isPermanent(failure)) {
                return failure;
            }
            LOG.warn("ledger write of {} events failed ({}): retrying in {} ms", events.size(),
                    LedgerFailures.describe(failure), delay);
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(delay / 2, delay + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while retrying a ledger write", e);
            }
            delay = Math.min(delay * 2, MAX_DELAY_MS);
        }
    }
}
