package dev.caravan.provider;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.caravan.call.Attempt;
import dev.caravan.call.CallContext;
import dev.caravan.call.Cancellation;
import dev.caravan.call.FailureKind;
import dev.caravan.openai.ApiException;
import dev.caravan.resilience.ProviderBreakers;
import dev.caravan.resilience.ProviderHealth;
import dev.caravan.resilience.RetryPolicy;
import dev.caravan.upstream.UpstreamEndpoint;
import dev.caravan.upstream.UpstreamFailure;
import dev.caravan.upstream.UpstreamRequest;
import dev.caravan.upstream.UpstreamResponse;
import org.apache.camel.AsyncCallback;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One provider step through an adapter: request, circuit breaker, non-blocking call, answer, and the retries of
 * this provider the instance's settings allow. It completes on the event loop that read the provider's answer,
 * never waiting on it: a backoff before a retry is a Vert.x timer on that loop.
 *
 * <p>The breaker (Resilience4j, {@link ProviderBreakers}) is consulted per network try with
 * {@code tryAcquirePermission} and told the outcome with {@code onSuccess}/{@code onError} and the time to the
 * first byte, so slow calls count too. A provider whose breaker refuses is skipped at once, without a connection.
 * A try cut short by the request's total deadline is not held against the provider ({@code releasePermission}).
 */
final class AdapterProducer extends DefaultAsyncProducer {

    private static final Logger LOG = LoggerFactory.getLogger(AdapterProducer.class);

    private final ProviderAdapter<ProviderSettings> adapter;
    private final ProviderSettings settings;
    private final ProviderBreakers breakers;
    private final ProviderHealth health;
    private AsyncProducer upstream;
    private Vertx vertx;

    @SuppressWarnings("unchecked")
    AdapterProducer(AdapterEndpoint endpoint, ProviderAdapter<?> adapter, ProviderSettings settings,
                    ProviderBreakers breakers, ProviderHealth health) {
        super(endpoint);
        this.adapter = (ProviderAdapter<ProviderSettings>) adapter;
        this.settings = settings;
        this.breakers = breakers;
        this.health = health;
    }

    @Override
    protected void doStart() throws Exception {
        Endpoint endpoint = getEndpoint().getCamelContext().getEndpoint("upstream:" + settings.getName());
        vertx = ((UpstreamEndpoint) endpoint).getComponent().getVertx();
        upstream = endpoint.createAsyncProducer();
        ServiceHelper.startService(upstream);
        breakers.register(settings.getName(), settings.breakerSettings());
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(upstream);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        UpstreamRequest request;
        try {
            request = adapter.request(call, target, settings);
        } catch (ApiException refused) {
            exchange.getMessage().setBody(new ProviderResult.Rejected(refused.error()));
            callback.done(true);
            return true;
        } catch (RuntimeException broken) {
            // a settings value the request cannot be built from (a malformed baseUrl): this attempt fails over
            exchange.setException(broken);
            callback.done(true);
            return true;
        }
        if (call != null && call.deadlineNanos() != 0) {
            request = request.withDeadline(call.deadlineNanos());
        }
        CircuitBreaker breaker = breakers.breaker(target.provider(), target.model(), settings.breakerSettings());
        if (!breaker.tryAcquirePermission()) {
            exchange.setException(circuitOpen(target));
            callback.done(true);
            return true;
        }
        new Tries(exchange, call, target, request, breaker, callback).send();
        return false;
    }

    private static ProviderFailureException circuitOpen(ProviderTarget target) {
        return new ProviderFailureException(FailureKind.CIRCUIT_OPEN, 0,
                target.provider() + " skipped: its circuit breaker is open");
    }

    /** The tries of one provider step: the first, and its retries. Lives on the call's event loop. */
    private final class Tries {

        private final Exchange exchange;
        private final CallContext call;
        private final ProviderTarget target;
        private final UpstreamRequest request;
        private final CircuitBreaker breaker;
        private final AsyncCallback callback;
        private int retry;
        private long started;

        Tries(Exchange exchange, CallContext call, ProviderTarget target, UpstreamRequest request,
              CircuitBreaker breaker, AsyncCallback callback) {
            this.exchange = exchange;
            this.call = call;
            this.target = target;
            this.request = request;
            this.breaker = breaker;
            this.callback = callback;
        }

        /** One network try; its permission is already acquired. */
        void send() {
            started = System.nanoTime();
            exchange.setException(null);
            exchange.getMessage().setBody(request);
            upstream.process(exchange, doneSync -> answer());
        }

        private void answer() {
            if (cancelled()) {
                return;
            }
            if (exchange.getException() instanceof UpstreamFailure failure) {
                failed(technical(target.provider(), failure), failure.retryAfter());
                return;
            }
            Object body = exchange.getMessage().getBody();
            exchange.getMessage().removeHeaders("*");
            if (body instanceof UpstreamResponse.Whole whole) {
                try {
                    exchange.getMessage().setBody(adapter.answer(call, target, settings, whole));
                } catch (ProviderFailureException e) {
                    // an answer the adapter judged a technical failure (a 3xx, a stream asked for and not sent)
                    counted(e);
                    exchange.setException(e);
                    callback.done(false);
                    return;
                } catch (RuntimeException e) {
                    breaker.releasePermission();
                    exchange.setException(e);
                    callback.done(false);
                    return;
                }
                succeeded();
                callback.done(false);
            } else if (body instanceof UpstreamResponse.EventStream stream) {
                StreamTranslator translator = adapter.stream(call, target, settings);
                RelayedChunkStream.open(stream, translator, (chunks, failure) -> {
                    if (failure != null) {
                        failed(beforeFirstChunk(target.provider(), failure), Optional.empty());
                    } else {
                        Cancellation cancellation = Cancellation.of(exchange);
                        if (cancellation != null) {
                            // a hedged attempt that lost after its stream opened: its stream is reset too
                            cancellation.onCancel(chunks::cancel);
                        }
                        exchange.getMessage().setBody(new ProviderResult.Streaming(chunks));
                        succeeded();
                        callback.done(false);
                    }
                });
            } else {
                breaker.releasePermission();
                callback.done(false);
            }
        }

        private void succeeded() {
            long took = System.nanoTime() - started;
            breaker.onSuccess(took, TimeUnit.NANOSECONDS);
            String provider = target.provider();
            health.answered(provider, took);
            if (call != null) {
                long from = started;
                call.whenFinished(outcome -> health.finished(provider, System.nanoTime() - from));
            }
        }

        private void counted(ProviderFailureException failure) {
            if (call != null && call.remainingNanos() <= 0 && failure.kind() == FailureKind.TIMEOUT) {
                // cut short by the request's own deadline, not by the provider's timeouts: not the provider's fault
                breaker.releasePermission();
                return;
            }
            breaker.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, failure);
            health.failed(target.provider(), failure.getMessage());
        }

        /**
         * Ends a hedged attempt that was given up (another provider answered first), whatever it was doing: not a
         * failure of this provider, so the breaker forgets the try and nothing is retried.
         */
        private boolean cancelled() {
            Cancellation cancellation = Cancellation.of(exchange);
            if (cancellation == null || !cancellation.cancelled()) {
                return false;
            }
            if (exchange.getMessage().getBody() instanceof UpstreamResponse.EventStream opened) {
                // cancelled between its first event and here: the stream it opened is reset too
                opened.relay().cancel();
            }
            breaker.releasePermission();
            exchange.setException(new ProviderFailureException(FailureKind.HEDGE_CANCELLED, 0,
                    target.provider() + " cancelled: another provider answered first"));
            callback.done(false);
            return true;
        }

        /** A technical failure before any byte reached the client: retry this provider, or hand it to failover. */
        private void failed(ProviderFailureException failure, Optional<Duration> retryAfter) {
            if (cancelled()) {
                return;
            }
            counted(failure);
            long remainingMillis = call == null || call.deadlineNanos() == 0 ? Long.MAX_VALUE
                    : TimeUnit.NANOSECONDS.toMillis(call.remainingNanos());
            long delay = settings.retryPolicy().delayMillis(retry + 1, retryAfter, remainingMillis);
            if (delay == RetryPolicy.NO_RETRY) {
                exchange.setException(failure);
                callback.done(false);
                return;
            }
            retry++;
            if (call != null) {
                call.recordAttempt(new Attempt(target.provider(), target.model(), failure.kind(), failure.status()));
            }
            LOG.debug("retrying {} in {} ms (retry {}): {}", target.provider(), delay, retry, failure.getMessage());
            // runs on the event loop that read the failure: the timer fires there too, no thread sleeps
            vertx.setTimer(Math.max(1, delay), id -> {
                Cancellation cancellation = Cancellation.of(exchange);
                if (cancellation != null && cancellation.cancelled()) {
                    exchange.setException(new ProviderFailureException(FailureKind.HEDGE_CANCELLED, 0,
                            target.provider() + " cancelled: another provider answered first"));
                    callback.done(false);
                } else if (breaker.tryAcquirePermission()) {
                    send();
                } else {
                    exchange.setException(circuitOpen(target));
                    callback.done(false);
                }
            });
        }
    }

    /** What failover and the attempt log need to know of a failed call: its kind, status and a safe reason. */
    static ProviderFailureException technical(String provider, UpstreamFailure failure) {
        int status = failure.status();
        FailureKind kind = switch (failure.kind()) {
            case CONNECT -> FailureKind.CONNECTION;
            case TIMEOUT -> FailureKind.TIMEOUT;
            case STREAM_CUT -> FailureKind.SERVER_ERROR;
            case CANCELLED -> FailureKind.HEDGE_CANCELLED;
            case STATUS -> status == 429 ? FailureKind.RATE_LIMITED
                    : status == 408 || status == 504 ? FailureKind.TIMEOUT : FailureKind.SERVER_ERROR;
        };
        String reason = switch (kind) {
            case RATE_LIMITED -> "rate limited by " + provider;
            case TIMEOUT -> status > 0 ? provider + " timed out (" + status + ")" : provider + " timed out";
            case CONNECTION -> "connection to " + provider + " failed (" + failure.getMessage() + ")";
            default -> status > 0 ? provider + " answered " + status : provider + " broke off its answer";
        };
        return new ProviderFailureException(kind, status, reason, failure);
    }

    /** A stream that ended or failed before its first chunk is a technical failure: the next provider is tried. */
    static ProviderFailureException beforeFirstChunk(String provider, IOException failure) {
        if (failure instanceof UpstreamStreamException e) {
            String reason = e.error().code() != null ? e.error().code() : e.error().type();
            return new ProviderFailureException(FailureKind.SERVER_ERROR, 200, "stream began with an error: " + reason);
        }
        if (failure.getCause() instanceof UpstreamFailure upstream) {
            return technical(provider, upstream);
        }
        return new ProviderFailureException(FailureKind.SERVER_ERROR, 200,
                provider + " ended its stream before the first chunk");
    }
}
