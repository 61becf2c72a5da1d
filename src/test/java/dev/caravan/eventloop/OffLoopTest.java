package dev.caravan.eventloop;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link OffLoop} on a real Vert.x event loop: the attempt finishes there when it can, the blocking version runs
 * on the worker when it cannot, in place off the loop, and every failure ends up on the exchange.
 */
class OffLoopTest {

    private static final Duration PATIENCE = Duration.ofSeconds(10);

    private static Vertx vertx;
    private static ExecutorService worker;
    private static DefaultCamelContext camel;

    /** What a step and its callback saw. */
    private final List<String> ran = new CopyOnWriteArrayList<>();
    private final AtomicReference<String> doneOn = new AtomicReference<>();
    private final AtomicReference<Boolean> doneSync = new AtomicReference<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        worker = Executors.newCachedThreadPool(runnable -> new Thread(runnable, "worker-test"));
        camel = new DefaultCamelContext();
    }

    @AfterAll
    static void stop() throws Exception {
        worker.shutdownNow();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        camel.close();
    }

    private AsyncCallback recordingCallback() {
        return sync -> {
            doneSync.set(sync);
            doneOn.set(Thread.currentThread().getName());
        };
    }

    private NonBlockingStep attempt(boolean finishes) {
        return exchange -> {
            ran.add("attempt on " + Thread.currentThread().getName());
            return finishes;
        };
    }

    private Processor blocking() {
        return exchange -> ran.add("blocking on " + Thread.currentThread().getName());
    }

    /** Runs the step on an event-loop thread; what {@code process} returned, and the loop thread's name. */
    private String[] processOnEventLoop(OffLoop step, Exchange exchange) throws Exception {
        CompletableFuture<String[]> returned = new CompletableFuture<>();
        vertx.runOnContext(ignored -> {
            boolean sync = step.process(exchange, recordingCallback());
            returned.complete(new String[] {Boolean.toString(sync), Thread.currentThread().getName()});
        });
        return returned.get(10, TimeUnit.SECONDS);
    }

    @Test
    void anAttemptThatFinishesCompletesSynchronouslyOnTheLoop() throws Exception {
        OffLoop step = OffLoop.step("test", attempt(true), blocking(), worker);

        String[] returned = processOnEventLoop(step, new DefaultExchange(camel));

        String loop = returned[1];
        assertThat(loop).startsWith("vert.x-eventloop-thread-");
        assertThat(returned[0]).isEqualTo("true");
        assertThat(doneSync.get()).isTrue();
        assertThat(doneOn.get()).isEqualTo(loop);
        assertThat(ran).containsExactly("attempt on " + loop);
    }

    @Test
    void anAttemptThatWouldWaitHandsTheStepToTheWorker() throws Exception {
        OffLoop step = OffLoop.step("test", attempt(false), blocking(), worker);

        String[] returned = processOnEventLoop(step, new DefaultExchange(camel));

        assertThat(returned[0]).isEqualTo("false");
        await().atMost(PATIENCE).until(() -> doneOn.get() != null);
        assertThat(doneSync.get()).isFalse();
        assertThat(doneOn.get()).isEqualTo("worker-test");
        assertThat(ran).containsExactly("attempt on " + returned[1], "blocking on worker-test");
    }

    @Test
    void offTheLoopTheBlockingVersionRunsInPlace() {
        OffLoop step = OffLoop.step("test", attempt(true), blocking(), worker);

        boolean sync = step.process(new DefaultExchange(camel), recordingCallback());

        String here = Thread.currentThread().getName();
        assertThat(sync).isTrue();
        assertThat(doneSync.get()).isTrue();
        assertThat(doneOn.get()).isEqualTo(here);
        assertThat(ran).containsExactly("blocking on " + here);
    }

    @Test
    void aRefusalOfTheAttemptBecomesTheExchangesException() throws Exception {
        IllegalStateException refusal = new IllegalStateException("refused without waiting");
        OffLoop step = OffLoop.step("test", exchange -> {
            throw refusal;
        }, blocking(), worker);
        Exchange exchange = new DefaultExchange(camel);

        String[] returned = processOnEventLoop(step, exchange);

        assertThat(returned[0]).isEqualTo("true");
        assertThat(exchange.getException()).isSameAs(refusal);
        assertThat(doneOn.get()).isEqualTo(returned[1]);
        assertThat(ran).isEmpty();
    }

    @Test
    void aFailureOfTheBlockingVersionOnTheWorkerBecomesTheExchangesException() throws Exception {
        IllegalStateException failure = new IllegalStateException("the database is away");
        OffLoop step = OffLoop.step("test", attempt(false), exchange -> {
            throw failure;
        }, worker);
        Exchange exchange = new DefaultExchange(camel);

        processOnEventLoop(step, exchange);

        await().atMost(PATIENCE).until(() -> doneOn.get() != null);
        assertThat(doneOn.get()).isEqualTo("worker-test");
        assertThat(exchange.getException()).isSameAs(failure);
    }

    @Test
    void aFailureOfTheBlockingVersionInPlaceBecomesTheExchangesException() {
        IllegalStateException failure = new IllegalStateException("the database is away");
        OffLoop step = OffLoop.step("test", attempt(true), exchange -> {
            throw failure;
        }, worker);
        Exchange exchange = new DefaultExchange(camel);

        assertThat(step.process(exchange, recordingCallback())).isTrue();

        assertThat(exchange.getException()).isSameAs(failure);
        assertThat(doneSync.get()).isTrue();
    }

    @Test
    void theLoggingContextGoesAlongWithAHop() throws Exception {
        AtomicReference<String> seenOnWorker = new AtomicReference<>();
        OffLoop step = OffLoop.step("test", exchange -> {
            MDC.put("requestId", "req_hop");
            return false;
        }, exchange -> seenOnWorker.set(MDC.get("requestId")), worker);

        processOnEventLoop(step, new DefaultExchange(camel));

        await().atMost(PATIENCE).until(() -> doneOn.get() != null);
        assertThat(seenOnWorker.get()).isEqualTo("req_hop");
    }
}
