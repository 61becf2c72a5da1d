package dev.caravan.cache;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.CallOutcome;
import dev.caravan.call.Operation;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ListChunkStream;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.StreamChunk;
import dev.caravan.redis.RedisReplies;
import dev.caravan.upstream.UpstreamComponent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.MDC;

/**
 * A profile's cache step. It decides whether the call may use the cache, looks its key up with one asynchronous
 * Redis GET, and goes on on the request's Vert.x context: nothing waits, on the event loop or anywhere.
 *
 * <p><b>Hit:</b> the cached answer becomes the call's answer (a {@link ProviderResult}, converted when the entry is
 * a stream and the client asked for JSON or the other way round) and the profile route stops here
 * ({@code exchange.setRouteStop(true)}, as the {@code stop} EIP does), so no provider is asked; the API route goes
 * on to write it (see {@code api/TargetCall}, which ends the stop at the profile route). The call is marked as
 * answered from the cache: it costs the step's {@code hitPrice} (nothing by default), its outcome is
 * {@code cache_hit} and its ledger row has {@code cached = true}.
 *
 * <p><b>Miss:</b> the profile goes on to its providers, and once they answered ({@link CallContext#whenAnswered})
 * the answer is kept: a JSON answer as it came, a stream by recording each chunk as it passes to the client. It is
 * stored only when the call finished {@code completed} ({@link CallContext#whenFinished}), with one {@code SETEX}
 * that nobody waits for ({@link CacheStore}).
 *
 * <p>What may use the cache: chat completions with {@code temperature} 0 or a {@code seed}, a request sent with
 * {@code x-caravan-cache: on}, or every request of a profile whose step says {@code always=true};
 * {@code x-caravan-cache: no-cache} neither reads nor stores. Every answer says {@code x-caravan-cache: HIT},
 * {@code MISS} or {@code BYPASS} (not cacheable, or bypassed).
 */
final class CacheProducer extends DefaultAsyncProducer {

    private final CacheEndpoint endpoint;
    private final CacheLookup lookup;

    CacheProducer(CacheEndpoint endpoint, CacheLookup lookup) {
        super(endpoint);
        this.endpoint = endpoint;
        this.lookup = lookup;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CallContext call = CallContext.of(exchange);
        if (call == null || call.operation() != Operation.CHAT || call.identity() == null || call.identity().warmUp()) {
            return admitted(exchange, call, callback, () -> { });
        }
        if (!cacheable(call)) {
            return admitted(exchange, call, callback, () -> {
                call.responseHeader(CacheHeaders.STATUS, CacheHeaders.BYPASS);
                lookup.bypass();
            });
        }
        String key = key(call);
        long ttlSeconds = ttlSeconds(call);
        CompletionStage<byte[]> reply;
        try {
            // sent right behind the quota step's script when that step left its decision to this one
            reply = lookup.get(key);
        } catch (RuntimeException e) {
            reply = null;
            lookup.failed(e.toString());
        }
        if (reply == null) {
            return admitted(exchange, call, callback, () -> {
                lookup.failed("Redis is not connected");
                miss(call, key, ttlSeconds);
            });
        }
        CompletionStage<RuntimeException> admission = call.takePendingAdmission();
        Context context = exchange.getProperty(UpstreamComponent.CONTEXT_PROPERTY, Context.class);
        RedisReplies.on(context != null ? context : Vertx.currentContext(), reply, (value, failure) -> {
            Runnable lookedUp = () -> {
                if (failure != null) {
                    lookup.failed(failure.toString());
                    miss(call, key, ttlSeconds);
                } else if (value == null || !hit(exchange, call, value)) {
                    miss(call, key, ttlSeconds);
                }
            };
            if (admission == null) {
                finish(exchange, call, null, lookedUp, callback);
            } else {
                // Redis answers in order: the quota's reply came first, so this completes at once
                admission.whenComplete((refusal, error) -> finish(exchange, call, refusal != null ? refusal : error,
                        lookedUp, callback));
            }
        });
        return false;
    }

    /**
     * Runs {@code then} and goes on once the quota step's pending decision, if it left one, admitted the call; a
     * refused call fails with the refusal and the cache is neither read nor told about it.
     */
    private static boolean admitted(Exchange exchange, CallContext call, AsyncCallback callback, Runnable then) {
        CompletionStage<RuntimeException> admission = call == null ? null : call.takePendingAdmission();
        if (admission == null) {
            then.run();
            callback.done(true);
            return true;
        }
        admission.whenComplete((refusal, error) -> finish(exchange, call, refusal != null ? refusal : error, then,
                callback));
        return false;
    }

    private static void finish(Exchange exchange, CallContext call, Throwable refusal, Runnable then,
            AsyncCallback callback) {
        try (MDC.MDCCloseable ignored = call.inLogs()) {
            if (refusal != null) {
                exchange.setException(refusal);
            } else {
                then.run();
            }
        } catch (RuntimeException e) {
            exchange.setException(e);
        }
        callback.done(false);
    }

    /** Whether the request may be answered from, and stored in, the cache. */
    private boolean cacheable(CallContext call) {
        String directive = call.stepHeader(CacheHeaders.REQUEST);
        directive = directive == null ? "" : directive.trim();
        if ("no-cache".equalsIgnoreCase(directive)) {
            return false;
        }
        if (endpoint.isAlways() || "on".equalsIgnoreCase(directive)) {
            return true;
        }
        JsonNode temperature = call.body().get("temperature");
        return temperature != null && temperature.isNumber() && temperature.decimalValue().signum() == 0
                || call.body().hasNonNull("seed");
    }

    private String key(CallContext call) {
        String scope = endpoint.isShared() ? "shared" : call.identity().userId().toString();
        String target = call.profile() != null ? "profile:" + call.profile() : "model:" + call.requestedModel();
        return CacheKey.of(endpoint.getName(), scope, target, call.body());
    }

    /** The step's TTL, or the request's {@code x-caravan-cache-ttl} (whole seconds), at most {@code maxTtl}. */
    private long ttlSeconds(CallContext call) {
        long ttl = endpoint.getTtl().toSeconds();
        String asked = call.stepHeader(CacheHeaders.TTL);
        if (asked != null) {
            try {
                long seconds = Long.parseLong(asked.trim());
                if (seconds > 0) {
                    ttl = seconds;
                }
            } catch (NumberFormatException ignored) {
                // not a number of seconds: the step's TTL applies
            }
        }
        return Math.max(1, Math.min(ttl, endpoint.getMaxTtl().toSeconds()));
    }

    /** Answers the call from {@code bytes}; false when they are not an entry this version reads (then a miss). */
    private boolean hit(Exchange exchange, CallContext call, byte[] bytes) {
        ProviderResult answer;
        CacheEntry entry;
        try {
            entry = CacheEntry.decode(bytes);
            answer = answer(call, entry);
        } catch (IOException | RuntimeException unreadable) {
            lookup.failed("an entry could not be read (" + unreadable.getClass().getSimpleName() + ")");
            return false;
        }
        lookup.hit();
        call.answeredFromCache(entry.provider(), entry.model(), endpoint.getHitPrice());
        call.responseHeader(CacheHeaders.STATUS, CacheHeaders.HIT);
        exchange.getMessage().setBody(answer);
        exchange.setRouteStop(true);
        return true;
    }

    /** The entry as the answer the client asked for: JSON or a stream, converted when stored as the other. */
    private static ProviderResult answer(CallContext call, CacheEntry entry) throws IOException {
        if (call.stream()) {
            List<StreamChunk> chunks = entry.stream() ? entry.parts()
                    : CompletionChunks.of((ObjectNode) Json.read(entry.json()));
            // replayed as fast as the client reads: no pauses between chunks, backpressure as for a provider
            return new ProviderResult.Streaming(ListChunkStream.of(chunks));
        }
        ObjectNode completion = entry.stream() ? StreamCompletion.of(entry.parts()) : (ObjectNode) Json.read(entry.json());
        return new ProviderResult.Completed(completion, Usage.fromJson(completion.get("usage")));
    }

    /** The providers will answer: keep their answer for the cache, and store it once the call completed. */
    private void miss(CallContext call, String key, long ttlSeconds) {
        lookup.miss();
        call.responseHeader(CacheHeaders.STATUS, CacheHeaders.MISS);
        long maxSize = endpoint.getMaxEntrySize().toBytes();
        call.whenAnswered(exchange -> {
            Object result = exchange.getMessage().getBody();
            String provider = call.provider();
            String model = call.model();
            if (result instanceof ProviderResult.Completed completed) {
                // the bytes as answered, before the response writer adds the cost to the tree
                byte[] json = Json.bytes(completed.json());
                if (json.length > maxSize) {
                    lookup.store().tooLarge();
                    return;
                }
                CacheEntry entry = CacheEntry.completion(provider, model, json);
                call.whenFinished(outcome -> {
                    if (completedNormally(outcome)) {
                        lookup.store().put(key, entry, ttlSeconds);
                    }
                });
            } else if (result instanceof ProviderResult.Streaming streaming) {
                RecordingChunkStream recording = new RecordingChunkStream(streaming.chunks(), maxSize);
                exchange.getMessage().setBody(new ProviderResult.Streaming(recording));
                call.whenFinished(outcome -> {
                    List<StreamChunk> chunks = completedNormally(outcome) ? recording.complete() : null;
                    if (chunks != null) {
                        lookup.store().put(key, new CacheEntry(true, provider, model, chunks), ttlSeconds);
                    } else if (recording.tooLarge()) {
                        lookup.store().tooLarge();
                    }
                });
            }
        });
    }

    private static boolean completedNormally(CallOutcome outcome) {
        return outcome.status() == 200 && CallOutcome.COMPLETED.equals(outcome.outcome());
    }
}
