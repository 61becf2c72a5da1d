package dev.caravan.ledger;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.Vertx;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link LedgerQueue} on a seda queue of one, on a real Vert.x event loop: a full queue neither blocks the loop
 * nor loses the event, which waits for room on a worker.
 */
class LedgerQueueTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private Vertx vertx;
    private ExecutorService worker;
    private DefaultCamelContext camel;
    private BlockingQueue<Exchange> queue;
    private LedgerQueue ledger;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        worker = Executors.newCachedThreadPool(runnable -> new Thread(runnable, "worker-test"));
        camel = new DefaultCamelContext();
        camel.start();
        // no consumer: the test takes from the queue itself, when it chooses
        SedaEndpoint endpoint = camel.getEndpoint("seda:tiny-ledger?size=1&blockWhenFull=true", SedaEndpoint.class);
        queue = endpoint.getQueue();
        ledger = new LedgerQueue(endpoint, worker);
    }

    @AfterEach
    void stop() throws Exception {
        worker.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        camel.close();
    }

    private Exchange finishedCall(UsageEvent event) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(UsageEvent.PROPERTY, event);
        return exchange;
    }

    private static UsageEvent event() {
        return new UsageEvent("req_" + UUID.randomUUID(), null, UUID.randomUUID(), null, "chat", "demo", "demo",
                "caravan-demo-1", "demo", 3, 4, 0, new BigDecimal("0.001"), false, false, 200, "completed", 5L, 5L, 1,
                true, null);
    }

    /** Queues on an event-loop thread; whether it finished there, and the thread its callback ran on (when done). */
    private boolean queueOnEventLoop(Exchange exchange, AtomicReference<String> doneOn) throws Exception {
        CompletableFuture<Boolean> returned = new CompletableFuture<>();
        vertx.runOnContext(ignored -> returned.complete(
                ledger.step().process(exchange, sync -> doneOn.set(Thread.currentThread().getName()))));
        return returned.get(10, TimeUnit.SECONDS);
    }

    private static UsageEvent eventOf(Exchange queued) {
        return queued.getProperty(UsageEvent.PROPERTY, UsageEvent.class);
    }

    @Test
    void withRoomTheEventIsQueuedOnTheLoop() throws Exception {
        UsageEvent event = event();
        AtomicReference<String> doneOn = new AtomicReference<>();

        assertThat(queueOnEventLoop(finishedCall(event), doneOn)).isTrue();

        assertThat(doneOn.get()).startsWith("vert.x-eventloop-thread-");
        assertThat(queue).hasSize(1);
        assertThat(eventOf(queue.poll())).isEqualTo(event);
    }

    @Test
    void whenTheQueueIsFullTheLoopGoesOnAndTheEventWaitsForRoomOnAWorker() throws Exception {
        UsageEvent first = event();
        UsageEvent second = event();
        AtomicReference<String> firstDone = new AtomicReference<>();
        AtomicReference<String> secondDone = new AtomicReference<>();
        assertThat(queueOnEventLoop(finishedCall(first), firstDone)).isTrue();

        // the queue is full: the loop is handed back at once, the event is not dropped but waits
        assertThat(queueOnEventLoop(finishedCall(second), secondDone)).isFalse();
        assertThat(secondDone.get()).isNull();
        CompletableFuture<String> loopIsFree = new CompletableFuture<>();
        vertx.runOnContext(ignored -> loopIsFree.complete(Thread.currentThread().getName()));
        assertThat(loopIsFree.get(10, TimeUnit.SECONDS)).startsWith("vert.x-eventloop-thread-");

        // the ledger takes the first event: the second goes in, from the worker
        assertThat(eventOf(queue.take())).isEqualTo(first);
        await().atMost(PATIENCE).until(() -> secondDone.get() != null);
        assertThat(secondDone.get()).isEqualTo("worker-test");
        assertThat(eventOf(queue.take())).isEqualTo(second);
    }

    @Test
    void offTheLoopAFullQueueWaitsInPlace() throws Exception {
        UsageEvent first = event();
        UsageEvent second = event();
        ledger.step().process(finishedCall(first), sync -> { });
        CompletableFuture<String> queuedFrom = new CompletableFuture<>();
        Thread caller = new Thread(() -> ledger.step().process(finishedCall(second),
                sync -> queuedFrom.complete(Thread.currentThread().getName())), "request-test");
        caller.start();

        await().atMost(PATIENCE).until(() -> caller.getState() == Thread.State.WAITING);
        assertThat(queuedFrom).isNotDone();
        assertThat(eventOf(queue.take())).isEqualTo(first);
        assertThat(queuedFrom.get(10, TimeUnit.SECONDS)).isEqualTo("request-test");
        assertThat(eventOf(queue.take())).isEqualTo(second);
    }

    @Test
    void aHedgedCallsSideEventsAreEachQueuedOnceEvenWhenTheQueueFillsBetweenThem() throws Exception {
        UsageEvent call = event();
        UsageEvent cancelledHedge = event();
        Exchange finished = finishedCall(call);
        finished.setProperty(UsageEvent.SIDE_EVENTS, List.of(cancelledHedge));
        AtomicReference<String> doneOn = new AtomicReference<>();

        // room for the call's own event only: the side event waits for room on a worker
        assertThat(queueOnEventLoop(finished, doneOn)).isFalse();
        assertThat(eventOf(queue.take())).isEqualTo(call);
        await().atMost(PATIENCE).until(() -> doneOn.get() != null);
        assertThat(doneOn.get()).isEqualTo("worker-test");
        assertThat(eventOf(queue.take())).isEqualTo(cancelledHedge);
        assertThat(queue).isEmpty();
    }

    @Test
    void aCallWithoutAnEventQueuesNothing() throws Exception {
        AtomicReference<String> doneOn = new AtomicReference<>();

        assertThat(queueOnEventLoop(new DefaultExchange(camel), doneOn)).isTrue();

        assertThat(doneOn.get()).isNotNull();
        assertThat(queue).isEmpty();
    }
}
