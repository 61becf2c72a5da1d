package dev.caravan.metrics;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import dev.caravan.call.Attempt;
import dev.caravan.call.CallContext;
import dev.caravan.call.CallOutcome;
import dev.caravan.call.FailureKind;
import dev.caravan.openai.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.springframework.stereotype.Component;

/**
 * The gateway's own meters of finished model calls, recorded once per call by the step that finishes it:
 * {@code caravan_requests_total{profile,provider,model,status,outcome}}, {@code caravan_request_duration_seconds}
 * and {@code caravan_time_to_first_token_seconds} (histograms, {@code profile,provider,model}),
 * {@code caravan_tokens_total{profile,provider,model,type}}, {@code caravan_cost_usd_total{profile,provider,model}}
 * and {@code caravan_failovers_total{profile,provider,reason}} (a call moving on from a provider that failed).
 *
 * <p>Tags are only what the configuration bounds (profiles, providers, upstream models, statuses, outcomes): never
 * the model a client typed, a key or a user. Each set of tags is looked up once and its meters kept in a map, so a
 * call costs a few map lookups and counter adds, not Micrometer's id building. The warm-up's calls are not
 * counted: they are not the operators' traffic.
 */
@Component
public class CallMetrics {

    /** The tag value of a call that reached no profile or no provider (refused before, or every provider failed). */
    static final String NONE = "none";

    /** Model calls take from milliseconds (a cache hit) to minutes (a long stream). */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300)};

    private record CallTags(String profile, String provider, String model, int status, String outcome) {
    }

    private record RouteTags(String profile, String provider, String model) {
    }

    private record FailoverTags(String profile, String provider, FailureKind reason) {
    }

    /** The meters of one profile, provider and upstream model. */
    private record RouteMeters(Timer duration, Timer firstToken, Counter prompt, Counter completion, Counter cached,
            Counter cost) {
    }

    private final MeterRegistry registry;
    private final Map<CallTags, Counter> requests = new ConcurrentHashMap<>();
    private final Map<RouteTags, RouteMeters> routes = new ConcurrentHashMap<>();
    private final Map<FailoverTags, Counter> failovers = new ConcurrentHashMap<>();

    public CallMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void record(CallContext call, CallOutcome outcome) {
        if (call.identity() != null && call.identity().warmUp()) {
            return;
        }
        String profile = orNone(call.profile());
        String provider = orNone(call.provider());
        String model = orNone(call.model());
        requests.computeIfAbsent(new CallTags(profile, provider, model, outcome.status(), outcome.outcome()),
                this::requestCounter).increment();

        RouteMeters meters = routes.computeIfAbsent(new RouteTags(profile, provider, model), this::routeMeters);
        long now = System.nanoTime();
        meters.duration().record(now - call.startNanos(), TimeUnit.NANOSECONDS);
        Usage usage = outcome.usage();
        if (usage != null) {
            long firstToken = outcome.firstEventNanos() != null ? outcome.firstEventNanos() : now;
            meters.firstToken().record(firstToken - call.startNanos(), TimeUnit.NANOSECONDS);
            meters.prompt().increment(usage.promptTokens());
            meters.completion().increment(usage.completionTokens());
            meters.cached().increment(usage.cachedTokens());
        }
        BigDecimal cost = outcome.cost();
        if (cost != null && cost.signum() > 0) {
            meters.cost().increment(cost.doubleValue());
        }
        countFailovers(profile, call.attempts());
    }

    /** A request refused before it became a call (no key, or an unknown one): counted, tagged with nothing else. */
    public void recordUnknownCaller(CallOutcome outcome) {
        requests.computeIfAbsent(new CallTags(NONE, NONE, NONE, outcome.status(), outcome.outcome()),
                this::requestCounter).increment();
    }

    /**
     * One failover per move from a provider that failed to the next provider of the call; retries within one
     * provider, providers not configured, and hedges given up (the provider did not fail) are not failovers.
     */
    private void countFailovers(String profile, List<Attempt> attempts) {
        for (int i = 0; i + 1 < attempts.size(); i++) {
            Attempt attempt = attempts.get(i);
            FailureKind failure = attempt.failure();
            if (failure == null || failure == FailureKind.UNAVAILABLE || failure == FailureKind.DEADLINE
                    || failure == FailureKind.HEDGE_CANCELLED
                    || attempt.provider().equals(attempts.get(i + 1).provider())) {
                continue;
            }
            failovers.computeIfAbsent(new FailoverTags(profile, attempt.provider(), failure), this::failoverCounter)
                    .increment();
        }
    }

    private Counter requestCounter(CallTags tags) {
        return Counter.builder("caravan.requests")
                .description("Model calls answered, by profile, provider and upstream model, status and outcome")
                .tag("profile", tags.profile()).tag("provider", tags.provider()).tag("model", tags.model())
                .tag("status", Integer.toString(tags.status())).tag("outcome", tags.outcome())
                .register(registry);
    }

    private RouteMeters routeMeters(RouteTags tags) {
        return new RouteMeters(
                timer("caravan.request.duration", "From the request's arrival to the end of its answer", tags),
                timer("caravan.time.to.first.token", "From the request's arrival to the first byte of its answer", tags),
                tokens(tags, "prompt"), tokens(tags, "completion"), tokens(tags, "cached"),
                Counter.builder("caravan.cost").baseUnit("usd").description("What the calls were charged, in USD")
                        .tag("profile", tags.profile()).tag("provider", tags.provider()).tag("model", tags.model())
                        .register(registry));
    }

    private Timer timer(String name, String description, RouteTags tags) {
        return Timer.builder(name).description(description)
                .tag("profile", tags.profile()).tag("provider", tags.provider()).tag("model", tags.model())
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private Counter tokens(RouteTags tags, String type) {
        return Counter.builder("caravan.tokens").description("Tokens of the calls, by type")
                .tag("profile", tags.profile()).tag("provider", tags.provider()).tag("model", tags.model())
                .tag("type", type)
                .register(registry);
    }

    private Counter failoverCounter(FailoverTags tags) {
        return Counter.builder("caravan.failovers")
                .description("Calls that moved on from a provider that failed, by that provider and why")
                .tag("profile", tags.profile()).tag("provider", tags.provider())
                .tag("reason", tags.reason().name().toLowerCase())
                .register(registry);
    }

    private static String orNone(String value) {
        return value == null ? NONE : value;
    }
}
