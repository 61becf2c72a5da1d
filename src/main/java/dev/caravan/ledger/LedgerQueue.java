package dev.caravan.ledger;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;

import dev.caravan.eventloop.OffLoop;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a finished call's {@link UsageEvent} on the ledger's queue without ever losing it and without blocking an
 * event loop. The queue is bounded: when it is full (the database has been away for a while) an event waits for
 * room, on a worker thread if the call ended on an event loop, so the loop goes on serving other requests and
 * the event is written once the ledger catches up. Only the event travels: the ledger needs nothing else of the
 * call, and a full queue of whole exchanges would hold every request body.
 */
final class LedgerQueue {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerQueue.class);

    private final SedaEndpoint endpoint;
    private final BlockingQueue<Exchange> queue;
    private final OffLoop step;

    /**
     * @param endpoint the ledger's seda endpoint (its queue is taken now, once)
     * @param worker   where an event waits for room when the queue is full and the call ended on an event loop
     */
    LedgerQueue(SedaEndpoint endpoint, Executor worker) {
        this.endpoint = endpoint;
        this.queue = endpoint.getQueue();
        this.step = OffLoop.step("ledger-enqueue", this::offer, this::put, worker);
    }

    /** The route step: queues the exchange's usage event, if it has one. */
    OffLoop step() {
        return step;
    }

    /** Queues the event if there is room now; false when the queue is full. */
    private boolean offer(Exchange exchange) {
        UsageEvent event = exchange.getProperty(UsageEvent.PROPERTY, UsageEvent.class);
        return event == null || queue.offer(queued(event));
    }

    /** Queues the event, waiting for room as long as it takes. */
    private void put(Exchange exchange) {
        UsageEvent event = exchange.getProperty(UsageEvent.PROPERTY, UsageEvent.class);
        if (event == null) {
            return;
        }
        try {
            queue.put(queued(event));
        } catch (InterruptedException e) {
            // only a shutdown that cannot wait interrupts a worker: the event is lost, and said so
            Thread.currentThread().interrupt();
            LOG.error("usage event of call {} not queued for the ledger: interrupted while the queue was full",
                    event.requestId());
        }
    }

    private Exchange queued(UsageEvent event) {
        Exchange exchange = endpoint.createExchange();
        exchange.setProperty(UsageEvent.PROPERTY, event);
        return exchange;
    }
}
