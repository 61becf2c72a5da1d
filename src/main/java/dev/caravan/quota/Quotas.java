package dev.caravan.quota;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import dev.caravan.redis.RedisConnection;
import dev.caravan.redis.ThrottledWarning;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every quota step shares: the defaults, the two scripts on Caravan's Redis connection, the counters
 * ({@code caravan_ratelimit_rejections_total{limit}}, {@code caravan_quota_unavailable_total{mode}}) and the
 * refusals a client gets.
 */
final class Quotas implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Quotas.class);

    /** How long a call's token correction may wait to be sent with the others (see {@link TokenCorrections}). */
    static final Duration CORRECTION_INTERVAL = Duration.ofMillis(100);

    private final QuotaProperties defaults;
    private final QuotaScript take;
    private final QuotaScript adjust;
    private final Map<Limit, Counter> rejections = new EnumMap<>(Limit.class);
    private final Counter unavailableOpen;
    private final Counter unavailableClosed;
    private final ThrottledWarning warning;
    private final TokenCorrections corrections;

    Quotas(QuotaProperties defaults, RedisConnection redis, MeterRegistry meters) {
        this.defaults = defaults;
        this.take = QuotaScript.take(redis);
        this.adjust = QuotaScript.adjust(redis);
        for (Limit limit : Limit.values()) {
            rejections.put(limit, Counter.builder("caravan.ratelimit.rejections").tag("limit", limit.tag)
                    .description("Calls refused with 429 by a profile's quota step, by the limit they were over")
                    .register(meters));
        }
        this.unavailableOpen = unavailable(meters, "open");
        this.unavailableClosed = unavailable(meters, "closed");
        this.warning = new ThrottledWarning(LOG, "quotas: Redis could not be asked, calls are {}", defaults.warnInterval());
        this.corrections = new TokenCorrections(CORRECTION_INTERVAL, this::correct);
    }

    private static Counter unavailable(MeterRegistry meters, String mode) {
        return Counter.builder("caravan.quota.unavailable").tag("mode", mode)
                .description("Calls whose rate limits could not be checked (Redis down or slow): served unlimited"
                        + " (open) or refused with 503 (closed)")
                .register(meters);
    }

    QuotaProperties defaults() {
        return defaults;
    }

    /** Takes the call's share of {@code buckets}; null when Redis is not connected. */
    CompletionStage<List<Object>> take(List<Bucket> buckets) {
        return take.run(buckets, Bucket::cost);
    }

    /**
     * Adds {@code tokens} (negative gives back) to each of the call's token buckets once its real usage is known,
     * with the next batch of corrections (within {@link #CORRECTION_INTERVAL}). Nobody waits for it: a lost
     * correction only makes the next minute a little stricter or looser.
     */
    void adjust(List<Bucket> buckets, long tokens) {
        corrections.add(buckets, tokens);
    }

    /** Sends one user's summed corrections; the reply, or null when Redis could not be asked. */
    private CompletionStage<List<Object>> correct(List<Bucket> buckets) {
        try {
            CompletionStage<List<Object>> reply = adjust.run(buckets, Bucket::cost);
            if (reply == null) {
                warning.warn("not corrected by the tokens they used (Redis is not connected)");
                return null;
            }
            return reply.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    warning.warn("not corrected by the tokens they used (" + failure.getClass().getSimpleName() + ")");
                }
            });
        } catch (RuntimeException e) {
            warning.warn("not corrected by the tokens they used (" + e.getClass().getSimpleName() + ")");
            return null;
        }
    }

    /** Sends the corrections still pending. */
    @Override
    public void close() {
        corrections.close();
    }

    /**
     * Redis could not be asked: null when the step fails open (counted, logged at most once an interval), else the
     * 503 to answer.
     */
    ApiException unavailable(boolean failOpen, String why) {
        if (failOpen) {
            unavailableOpen.increment();
            warning.warn("served without rate limits (fail-open): " + why);
            return null;
        }
        unavailableClosed.increment();
        warning.warn("refused with 503 (fail-closed): " + why);
        return new ApiException(new OpenAiError(503, "Rate limits cannot be checked right now, so the request was not"
                + " served. Please try again shortly.", OpenAiError.API_ERROR, null, "rate_limiter_unavailable"));
    }

    /** The 429 for a call over {@code state}'s limit, counted by that limit. */
    ApiException refused(Verdict.State state) {
        Limit limit = state.bucket().limit();
        rejections.get(limit).increment();
        String message;
        if (state.retryMs() < 0) {
            message = "Request too large for " + limit.perMinute() + " of " + limit.owner + ": limit "
                    + state.bucket().perMinute() + ", requested " + state.bucket().cost()
                    + ". Send fewer tokens (a shorter prompt or a lower max_tokens).";
        } else {
            message = "Rate limit reached for " + limit.perMinute() + " of " + limit.owner + ": limit "
                    + state.bucket().perMinute() + ", requested " + state.bucket().cost() + ". Please try again in "
                    + RateLimitHeaders.duration(state.retryMs()) + ".";
        }
        return new ApiException(new OpenAiError(429, message, OpenAiError.RATE_LIMIT, null, "rate_limit_exceeded"));
    }
}
