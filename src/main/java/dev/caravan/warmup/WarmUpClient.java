package dev.caravan.warmup;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;

/**
 * Calls the gateway's own port as a client would, a few calls in flight at a time, cycling through the kinds of
 * call that matter: a profile and a {@code provider/model} id, a JSON answer and a stream, chat and embeddings.
 */
final class WarmUpClient {

    /** What the warm-up did. */
    record Result(int calls, int failed, int firstFailureStatus, Duration took) {
    }

    private record Call(String path, String body) {
    }

    private static final String RAW_MODEL = WarmUpRoutes.NAME + "/" + WarmUpUpstream.MODEL;
    private static final List<Call> CALLS = List.of(
            chat(WarmUpRoutes.NAME, false),
            chat(WarmUpRoutes.NAME, true),
            chat(RAW_MODEL, false),
            chat(RAW_MODEL, true),
            new Call("/v1/embeddings", "{\"model\":\"" + RAW_MODEL + "\",\"input\":\"warming up the gateway\"}"));

    private final HttpClient client;
    private final int port;
    private final String token;

    WarmUpClient(Vertx vertx, int port, String token, int concurrency) {
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(concurrency));
        this.port = port;
        this.token = token;
    }

    /** Makes up to {@code calls} calls, {@code concurrency} at a time, and stops at {@code maxTime}. */
    CompletableFuture<Result> run(int calls, int concurrency, Duration maxTime) {
        Run run = new Run(calls, System.nanoTime(), maxTime.toNanos(), concurrency);
        for (int i = 0; i < concurrency; i++) {
            next(run);
        }
        return run.result.whenComplete((result, failure) -> client.close());
    }

    private void next(Run run) {
        int n = run.started.getAndIncrement();
        if (n >= run.calls || System.nanoTime() - run.start > run.maxNanos) {
            if (run.running.decrementAndGet() == 0) {
                run.result.complete(new Result(run.done.get(), run.failed.get(), run.firstFailureStatus.get(),
                        Duration.ofNanos(System.nanoTime() - run.start)));
            }
            return;
        }
        call(CALLS.get(n % CALLS.size())).onComplete(status -> {
            int code = status.succeeded() ? status.result() : 0;
            if (code != 200 && run.failed.getAndIncrement() == 0) {
                run.firstFailureStatus.set(code);
            }
            run.done.incrementAndGet();
            next(run);
        });
    }

    /** One call, its whole answer read; the HTTP status. */
    private Future<Integer> call(Call call) {
        return client.request(HttpMethod.POST, port, "127.0.0.1", call.path())
                .compose(request -> request.putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json")
                        .send(call.body()))
                .compose(response -> response.body().map(body -> response.statusCode()));
    }

    private static Call chat(String model, boolean stream) {
        return new Call("/v1/chat/completions", "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\","
                + "\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Say hello to the caravan.\"}],"
                + "\"max_tokens\":32" + (stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}" : "") + "}");
    }

    private static final class Run {
        final int calls;
        final long start;
        final long maxNanos;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();
        final AtomicInteger firstFailureStatus = new AtomicInteger();
        final AtomicInteger running;
        final CompletableFuture<Result> result = new CompletableFuture<>();

        Run(int calls, long start, long maxNanos, int concurrency) {
            this.calls = calls;
            this.start = start;
            this.maxNanos = maxNanos;
            this.running = new AtomicInteger(concurrency);
        }
    }
}
