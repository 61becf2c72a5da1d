package dev.caravan.ledger;

import java.util.ArrayList;
import java.util.List;
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

    /** How many of an exchange's events {@link #offer} queued before the queue was full. */
    private static final String QUEUED_SO_FAR = "caravan.usage.queued";

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

    /** Queues the exchange's events that are not queued yet while there is room now; false when the queue is full. */
    private boolean offer(Exchange exchange) {
        UsageEvent event = exchange.getProperty(UsageEvent.PROPERTY, UsageEvent.class);
        List<UsageEvent> side = sideEvents(exchange);
        if (side.isEmpty()) {
            return event == null || queue.offer(queued(event));
        }
        List<UsageEvent> events = all(event, side);
        int queuedSoFar = exchange.getProperty(QUEUED_SO_FAR, 0, Integer.class);
        for (; queuedSoFar < events.size(); queuedSoFar++) {
            if (!queue.offer(queued(events.get(queuedSoFar)))) {
                // put() goes on from here: none is queued twice
                exchange.setProperty(QUEUED_SO_FAR, queuedSoFar);
                return false;
            }
        }
        return true;
    }

    /** Queues the events that {@link #offer} did not, waiting for room as long as it takes. */
    private void put(Exchange exchange) {
        List<UsageEvent> events = all(exchange.getProperty(UsageEvent.PROPERTY, UsageEvent.class), sideEvents(exchange));
        int queuedSoFar = exchange.getProperty(QUEUED_SO_FAR, 0, Integer.class);
        for (int i = queuedSoFar; i < events.size(); i++) {
            UsageEvent event = events.get(i);
            try {
                queue.put(queued(event));
            } catch (InterruptedException e) {
                // only a shutdown that cannot wait interrupts a worker: the event is lost, and said so
                Thread.currentThread().interrupt();
                LOG.error("usage event {} not queued for the ledger: interrupted while the queue was full",
                        event.requestId());
                return;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<UsageEvent> sideEvents(Exchange exchange) {
        List<UsageEvent> side = exchange.getProperty(UsageEvent.SIDE_EVENTS, List.class);
        return side == null ? List.of() : side;
    }

    private static List<UsageEvent> all(UsageEvent event, List<UsageEvent> side) {
        List<UsageEvent> events = new ArrayList<>(side.size() + 1);
        if (event != null) {
            events.add(event);
        }
        events.addAll(side);
        return events;
    }

    private Exchange queued(UsageEvent event) {
        Exchange exchange = endpoint.createExchange();
        exchange.setProperty(UsageEvent.PROPERTY, event);
        return exchange;
    }
}
