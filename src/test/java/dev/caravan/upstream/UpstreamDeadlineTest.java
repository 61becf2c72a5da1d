package dev.caravan.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.vertx.core.buffer.Buffer;

/** The total deadline an {@link UpstreamRequest} carries: it wins over longer timeouts, and a late call never starts. */
class UpstreamDeadlineTest extends UpstreamTestSupport {

    private static UpstreamRequest request(String path) {
        return UpstreamRequest.post(stub.uri(path), Headers.empty(), Buffer.buffer("{}"), false)
                .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void theDeadlineEndsACallBeforeItsTimeoutsAndResetsIt() {
        AtomicBoolean upstreamSawClose = new AtomicBoolean();
        stub.on("/deadline-silent", request -> request.connection().closeHandler(closed -> upstreamSawClose.set(true)));
        long started = System.nanoTime();

        UpstreamFailure failure = camel.failure(request("/deadline-silent")
                .withDeadline(started + TimeUnit.MILLISECONDS.toNanos(300)));

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        assertThat(failure.getMessage()).contains("total deadline passed");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        await().atMost(Duration.ofSeconds(10)).untilTrue(upstreamSawClose);
    }

    @Test
    void aCallWhoseDeadlinePassedNeverConnects() {
        AtomicInteger seen = new AtomicInteger();
        stub.on("/deadline-late", request -> {
            seen.incrementAndGet();
            request.response().end("{}");
        });

        UpstreamFailure failure = camel.failure(request("/deadline-late").withDeadline(System.nanoTime() - 1));

        assertThat(failure.kind()).isEqualTo(UpstreamFailure.Kind.TIMEOUT);
        assertThat(failure.getMessage()).contains("passed before the call");
        assertThat(seen).hasValue(0);
    }
}
