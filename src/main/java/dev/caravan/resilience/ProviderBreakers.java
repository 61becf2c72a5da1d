package dev.caravan.resilience;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.caravan.alerts.AlertEvent;
import dev.caravan.alerts.Alerts;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The circuit breakers of the provider instances, kept in Resilience4j's {@link CircuitBreakerRegistry} (so its
 * Micrometer binder sees them): one per provider, or one per provider and model when the provider's YAML says
 * {@code breakerPerModel: true}. A breaker is named {@code <provider>} or {@code <provider>/<model>} and tagged
 * with both. A provider file reloaded with other breaker settings gets a fresh breaker; one reloaded with the
 * same settings keeps its breaker, state and counts.
 *
 * <p>A breaker opening or closing raises an alert ({@code breaker_opened}, {@code breaker_closed}). Each provider's
 * state is the gauge {@code caravan_circuit_state{provider}}: 0 closed, 1 half-open (or, per model, some models
 * open), 2 open (every breaker of the provider).
 */
@Component
public class ProviderBreakers {

    private static final Logger LOG = LoggerFactory.getLogger(ProviderBreakers.class);

    public static final String PROVIDER_TAG = "provider";
    public static final String MODEL_TAG = "model";

    private record Entry(BreakerSettings settings, CircuitBreaker breaker) {
    }

    private final CircuitBreakerRegistry registry;
    /** {@link Alerts#raise}: queues the alert and returns at once. */
    private final Consumer<AlertEvent> alerts;
    private final Map<String, Entry> breakers = new ConcurrentHashMap<>();
    /** The settings each started provider route registered: readiness and /health/detailed list these providers. */
    private final Map<String, BreakerSettings> providers = new ConcurrentHashMap<>();

    private final MeterRegistry meters;

    @Autowired
    public ProviderBreakers(CircuitBreakerRegistry registry, Alerts alerts, MeterRegistry meters) {
        this(registry, alerts::raise, meters);
    }

    /** @param alerts where the breakers' alerts go (tests collect them) */
    ProviderBreakers(CircuitBreakerRegistry registry, Consumer<AlertEvent> alerts) {
        this(registry, alerts, new SimpleMeterRegistry());
    }

    private ProviderBreakers(CircuitBreakerRegistry registry, Consumer<AlertEvent> alerts, MeterRegistry meters) {
        this.registry = registry;
        this.alerts = alerts;
        this.meters = meters;
    }

    /**
     * Called when a provider's route starts: remembers its settings and, for a per-provider breaker, creates it
     * now, so that readiness and the metrics show it before its first call.
     */
    public void register(String provider, BreakerSettings settings) {
        if (providers.put(provider, settings) == null) {
            Gauge.builder("caravan.circuit.state", this, breakers -> breakers.stateCode(provider))
                    .description("A provider's circuit breaker: 0 closed, 1 half-open or partly open, 2 open")
                    .tag(PROVIDER_TAG, provider)
                    .register(meters);
        }
        if (!settings.perModel()) {
            breaker(provider, null, settings);
        }
    }

    /** The breaker guarding calls to {@code provider}'s {@code model}. Cheap: a map lookup and a record compare. */
    public CircuitBreaker breaker(String provider, String model, BreakerSettings settings) {
        String name = settings.perModel() && model != null ? provider + "/" + model : provider;
        Entry entry = breakers.get(name);
        if (entry != null && entry.settings().equals(settings)) {
            return entry.breaker();
        }
        return breakers.compute(name, (key, existing) -> {
            if (existing != null && existing.settings().equals(settings)) {
                return existing;
            }
            Map<String, String> tags = model != null && settings.perModel()
                    ? Map.of(PROVIDER_TAG, provider, MODEL_TAG, model) : Map.of(PROVIDER_TAG, provider);
            if (existing != null) {
                registry.remove(key);
            }
            CircuitBreaker created = registry.circuitBreaker(key, settings.toConfig(), tags);
            created.getEventPublisher().onStateTransition(event -> alertOn(event, provider, model, settings));
            return new Entry(settings, created);
        }).breaker();
    }

    /** Every breaker of {@code provider} made so far (one, or one per model called). */
    public List<CircuitBreaker> of(String provider) {
        List<CircuitBreaker> found = new ArrayList<>(1);
        for (Entry entry : breakers.values()) {
            if (provider.equals(entry.breaker().getTags().get(PROVIDER_TAG))) {
                found.add(entry.breaker());
            }
        }
        return found;
    }

    /** Whether {@code provider} is served through a breaker (a network provider whose route has started). */
    public boolean guards(String provider) {
        return providers.containsKey(provider);
    }

    /**
     * Whether a call to {@code provider} could go out now: no breaker of it yet, or one that is not open (a
     * per-model provider is usable while any of its models is).
     */
    public boolean usable(String provider) {
        List<CircuitBreaker> own = of(provider);
        if (own.isEmpty()) {
            return true;
        }
        for (CircuitBreaker breaker : own) {
            if (!isOpen(breaker.getState())) {
                return true;
            }
        }
        return false;
    }

    /** 0 closed (or no breaker yet), 1 half-open or some of its per-model breakers open, 2 every one open. */
    int stateCode(String provider) {
        List<CircuitBreaker> own = of(provider);
        int open = 0;
        boolean halfOpen = false;
        for (CircuitBreaker breaker : own) {
            if (isOpen(breaker.getState())) {
                open++;
            }
            halfOpen |= breaker.getState() == CircuitBreaker.State.HALF_OPEN;
        }
        if (open > 0 && open == own.size()) {
            return 2;
        }
        return open > 0 || halfOpen ? 1 : 0;
    }

    static boolean isOpen(CircuitBreaker.State state) {
        return state == CircuitBreaker.State.OPEN || state == CircuitBreaker.State.FORCED_OPEN;
    }

    private void alertOn(CircuitBreakerOnStateTransitionEvent event, String provider, String model,
                         BreakerSettings settings) {
        CircuitBreaker.State to = event.getStateTransition().getToState();
        CircuitBreaker.State from = event.getStateTransition().getFromState();
        String cause;
        if (isOpen(to) && !isOpen(from)) {
            cause = "breaker_opened";
        } else if (to == CircuitBreaker.State.CLOSED && from != CircuitBreaker.State.CLOSED) {
            cause = "breaker_closed";
        } else {
            return;
        }
        Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("provider", provider);
        if (model != null && settings.perModel()) {
            detail.put("model", model);
        }
        detail.put("from", from.name().toLowerCase());
        detail.put("to", to.name().toLowerCase());
        String what = model != null && settings.perModel() ? provider + " " + model : provider;
        String summary = cause.equals("breaker_opened")
                ? "Circuit breaker of " + what + " opened: calls skip it for " + settings.openMillis() + " ms"
                : "Circuit breaker of " + what + " closed: calls go to it again";
        LOG.warn("{}", summary);
        try {
            alerts.accept(AlertEvent.warning(cause, summary, detail));
        } catch (RuntimeException e) {
            // an alert that cannot be queued must not fail the call that moved the breaker
            LOG.warn("alert {} not raised: {}", cause, e.toString());
        }
    }
}
