package dev.caravan.quota;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import dev.caravan.account.Identity;
import dev.caravan.call.CallContext;
import dev.caravan.openai.ApiException;
import dev.caravan.redis.RedisReplies;
import dev.caravan.upstream.UpstreamComponent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.slf4j.MDC;

/**
 * A profile's quota step: takes the call's share of each limit that applies to it, requests and tokens per minute
 * of its API key and of its user, with one script in Redis (all or nothing, GCRA over a 60 s period, Redis's own
 * clock, so every replica counts against the same numbers), and goes on on the request's Vert.x context. Nothing
 * waits, on the event loop or anywhere.
 *
 * <p><b>Tokens</b> are taken up front as the tokenizer's count of the prompt plus the output allowance the call
 * reserved ({@code max_tokens}, or what the credit admission allowed), and corrected by the real usage when the
 * call finished: a call that used fewer gives the difference back, a failed call or a cache hit gives all back (a
 * hit counts against the request limits only). A long prompt is counted on a request thread, not on the loop.
 *
 * <p><b>Over a limit</b> the call fails with 429 {@code rate_limit_exceeded} naming the limit, with
 * {@code Retry-After}; every answer of a call under a quota carries OpenAI's {@code x-ratelimit-*} headers (see
 * {@link RateLimitHeaders}). <b>Redis down or slower than {@code caravan.redis.timeout}</b>: the step fails open
 * (the call goes on without limits) or closed (503), as configured.
 */
final class QuotaProducer extends DefaultAsyncProducer {

    /** Prompts with more bytes than this are counted off the event loop (a tokenizer run of a long text). */
    private static final long COUNT_ON_LOOP_MAX = 16_384;

    private final QuotaEndpoint endpoint;
    private final Quotas quotas;
    private final Executor counting;
    private final CacheStepFollows cacheStepFollows;

    QuotaProducer(QuotaEndpoint endpoint, Quotas quotas, Executor counting, CacheStepFollows cacheStepFollows) {
        super(endpoint);
        this.endpoint = endpoint;
        this.quotas = quotas;
        this.counting = counting;
        this.cacheStepFollows = cacheStepFollows;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CallContext call = CallContext.of(exchange);
        Identity identity = call == null ? null : call.identity();
        if (identity == null || identity.warmUp()) {
            callback.done(true);
            return true;
        }
        long[] perMinute = limits(identity);
        boolean any = false;
        boolean tokens = false;
        for (Limit limit : Limit.values()) {
            any |= perMinute[limit.ordinal()] > 0;
            tokens |= limit.tokens && perMinute[limit.ordinal()] > 0;
        }
        if (!any) {
            callback.done(true);
            return true;
        }
        if (tokens && Context.isOnEventLoopThread() && call.promptTokenBound() > COUNT_ON_LOOP_MAX) {
            Context context = contextOf(exchange);
            try {
                counting.execute(() -> {
                    try (MDC.MDCCloseable ignored = call.inLogs()) {
                        awaited(exchange, decide(call, perMinute, context), callback);
                    }
                });
                return false;
            } catch (RejectedExecutionException shuttingDown) {
                // counted on the loop: better than never answering
            }
        }
        CompletionStage<RuntimeException> decision = decide(call, perMinute, contextOf(exchange));
        if (cacheStepFollows.test(exchange, endpoint.getName())) {
            // the cache step sends its GET right behind the script and awaits this decision with its own reply
            call.pendingAdmission(decision);
            callback.done(true);
            return true;
        }
        awaited(exchange, decision, callback);
        return false;
    }

    /** Completes the step once {@code decision} is made: the call goes on, or fails with the refusal. */
    private static void awaited(Exchange exchange, CompletionStage<RuntimeException> decision, AsyncCallback callback) {
        decision.whenComplete((refusal, failure) -> {
            if (refusal != null || failure != null) {
                exchange.setException(refusal != null ? refusal : failure);
            }
            callback.done(false);
        });
    }

    private static Context contextOf(Exchange exchange) {
        Context context = exchange.getProperty(UpstreamComponent.CONTEXT_PROPERTY, Context.class);
        return context != null ? context : Vertx.currentContext();
    }

    /** The call's limit for each {@link Limit} (0: none): the key's or user's own, else the step's. */
    private long[] limits(Identity identity) {
        long[] perMinute = new long[Limit.values().length];
        if (identity.key() != null) {
            perMinute[Limit.KEY_RPM.ordinal()] = own(identity.key().rateLimitRpm(), Limit.KEY_RPM);
            perMinute[Limit.KEY_TPM.ordinal()] = own(identity.key().rateLimitTpm(), Limit.KEY_TPM);
        }
        perMinute[Limit.USER_RPM.ordinal()] = own(identity.userRpm(), Limit.USER_RPM);
        perMinute[Limit.USER_TPM.ordinal()] = own(identity.userTpm(), Limit.USER_TPM);
        return perMinute;
    }

    private long own(Integer own, Limit limit) {
        return Math.max(0, own != null ? own : endpoint.limit(limit));
    }

    /**
     * Builds the buckets (counting the prompt if a token limit applies) and sends the script. The decision
     * completes on {@code context} once Redis answered (at once when it cannot be asked), with the refusal to fail
     * the call with, or null: admitted (or served without limits, failing open).
     */
    private CompletionStage<RuntimeException> decide(CallContext call, long[] perMinute, Context context) {
        List<Bucket> buckets;
        CompletionStage<List<Object>> reply;
        try {
            buckets = buckets(call, perMinute);
            reply = quotas.take(buckets);
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(unavailable(e.getClass().getSimpleName()));
        }
        if (reply == null) {
            return CompletableFuture.completedFuture(unavailable("Redis is not connected"));
        }
        CompletableFuture<RuntimeException> decision = new CompletableFuture<>();
        RedisReplies.on(context, reply, (value, failure) -> {
            try (MDC.MDCCloseable ignored = call.inLogs()) {
                decision.complete(failure != null ? unavailable(failure.getClass().getSimpleName())
                        : decided(call, buckets, Verdict.of(buckets, value)));
            } catch (RuntimeException e) {
                decision.complete(e);
            }
        });
        return decision;
    }

    private List<Bucket> buckets(CallContext call, long[] perMinute) {
        Identity identity = call.identity();
        String prefix = "caravan:quota:{" + identity.userId() + "}:" + endpoint.getName() + ":";
        long tokens = -1;
        List<Bucket> buckets = new ArrayList<>(4);
        for (Limit limit : Limit.values()) {
            long max = perMinute[limit.ordinal()];
            if (max <= 0) {
                continue;
            }
            if (limit.tokens && tokens < 0) {
                tokens = call.promptTokens() + Math.max(0, call.outputAllowance());
            }
            String owner = limit == Limit.KEY_RPM || limit == Limit.KEY_TPM ? "key:" + identity.keyId() : "user";
            buckets.add(new Bucket(limit, prefix + owner + (limit.tokens ? ":tpm" : ":rpm"), max,
                    limit.tokens ? tokens : 1));
        }
        return buckets;
    }

    /** Sets the headers; the refusal when the call is over a limit, else null (and the correction is scheduled). */
    private RuntimeException decided(CallContext call, List<Bucket> buckets, Verdict verdict) {
        RateLimitHeaders.set(call, verdict);
        if (!verdict.allowed()) {
            Verdict.State refusing = verdict.refusing();
            if (refusing.retryMs() > 0) {
                RateLimitHeaders.retryAfter(call, refusing.retryMs());
            }
            return quotas.refused(refusing);
        }
        List<Bucket> tokenBuckets = buckets.stream().filter(bucket -> bucket.limit().tokens).toList();
        if (tokenBuckets.isEmpty()) {
            return null;
        }
        long taken = tokenBuckets.get(0).cost();
        call.whenFinished(outcome -> {
            long used = call.fromCache() || outcome.usage() == null ? 0 : outcome.usage().totalTokens();
            if (used != taken) {
                quotas.adjust(tokenBuckets, used - taken);
            }
        });
        return null;
    }

    private RuntimeException unavailable(String why) {
        return quotas.unavailable(endpoint.failsOpen(), why);
    }
}
