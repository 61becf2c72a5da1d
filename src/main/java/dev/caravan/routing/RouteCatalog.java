package dev.caravan.routing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.springframework.stereotype.Component;

/**
 * What the YAML routes declare right now: the profiles ({@code profile-*} routes) and the provider
 * instances ({@code provider-*} routes made from adapter templates). It is read from the running Camel
 * model, so a route reload changes it without anything else to update; the snapshot is rebuilt after any
 * route is added or removed.
 */
@Component
public class RouteCatalog {

    public static final String PROFILE_ROUTE_PREFIX = "profile-";
    public static final String PROVIDER_ROUTE_PREFIX = "provider-";

    private final CamelContext camelContext;
    /** Bumped on every route change; a snapshot built under an older generation is never kept. */
    private final AtomicLong generation = new AtomicLong();
    private volatile Snapshot snapshot;

    public RouteCatalog(CamelContext camelContext) {
        this.camelContext = camelContext;
        EventNotifierSupport invalidator = new EventNotifierSupport() {
            @Override
            public void notify(CamelEvent event) {
                generation.incrementAndGet();
                snapshot = null;
            }

            @Override
            public boolean isEnabled(CamelEvent event) {
                return event instanceof CamelEvent.RouteAddedEvent || event instanceof CamelEvent.RouteRemovedEvent
                        || event instanceof CamelEvent.RouteReloadedEvent;
            }
        };
        // route events only: a notifier that takes exchange events makes Camel raise several per exchange
        invalidator.setIgnoreExchangeEvents(true);
        invalidator.setIgnoreStepEvents(true);
        camelContext.getManagementStrategy().addEventNotifier(invalidator);
        ServiceHelper.startService(invalidator);
    }

    public ProfileInfo profile(String name) {
        return snapshot().profiles().get(name);
    }

    public ProviderInfo provider(String name) {
        return snapshot().providers().get(name);
    }

    /**
     * A provider's API key, resolved from its instance's {@code apiKey} parameter ("" when it has none). Kept
     * here, out of {@link ProviderInfo}, so that it is never part of what is listed or logged.
     */
    public String apiKey(String provider) {
        return snapshot().apiKeys().getOrDefault(provider, "");
    }

    public Collection<ProfileInfo> profiles() {
        return snapshot().profiles().values();
    }

    public Collection<ProviderInfo> providers() {
        return snapshot().providers().values();
    }

    /** A profile is reachable when at least one provider it names is offered. */
    public boolean isReachable(ProfileInfo profile) {
        for (String name : profile.providers()) {
            ProviderInfo provider = provider(name);
            if (provider != null && provider.offered()) {
                return true;
            }
        }
        return false;
    }

    private Snapshot snapshot() {
        Snapshot current = snapshot;
        if (current != null && current.generation() == generation.get()) {
            return current;
        }
        // a reload may land while we read the model: tag the snapshot with the generation seen before
        // reading, so a change that arrives meanwhile makes the next call rebuild instead of trusting it
        long seen = generation.get();
        current = build(seen);
        snapshot = current;
        return current;
    }

    private Snapshot build(long seen) {
        Model model = camelContext.getCamelContextExtension().getContextPlugin(Model.class);
        Map<String, ProfileInfo> profiles = new LinkedHashMap<>();
        Map<String, ProviderInfo> providers = new LinkedHashMap<>();
        Map<String, String> apiKeys = new HashMap<>();
        for (Route route : camelContext.getRoutes()) {
            String id = route.getRouteId();
            RouteDefinition definition = model.getRouteDefinition(id);
            if (definition == null) {
                continue;
            }
            if (id.startsWith(PROFILE_ROUTE_PREFIX)) {
                String name = id.substring(PROFILE_ROUTE_PREFIX.length());
                List<ProfileInfo.Step> steps = stepsOf(definition);
                profiles.put(name, new ProfileInfo(name, route.getDescription(),
                        steps.stream().map(ProfileInfo.Step::provider).distinct().toList(), steps));
            } else if (id.startsWith(PROVIDER_ROUTE_PREFIX) && definition.isCreatedFromTemplate()) {
                Map<String, Object> parameters = parametersOf(definition);
                ProviderInfo info = providerFrom(id.substring(PROVIDER_ROUTE_PREFIX.length()), parameters, definition);
                providers.put(info.name(), info);
                apiKeys.put(info.name(), text(parameters.get("apiKey")));
            }
        }
        return new Snapshot(seen, Collections.unmodifiableMap(profiles), Collections.unmodifiableMap(providers),
                Collections.unmodifiableMap(apiKeys));
    }

    private static Map<String, Object> parametersOf(RouteDefinition definition) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (definition.getTemplateDefaultParameters() != null) {
            parameters.putAll(definition.getTemplateDefaultParameters());
        }
        if (definition.getTemplateParameters() != null) {
            parameters.putAll(definition.getTemplateParameters());
        }
        return parameters;
    }

    private ProviderInfo providerFrom(String routeName, Map<String, Object> parameters, RouteDefinition definition) {
        String name = text(parameters.getOrDefault("name", routeName));
        boolean enabled = !"false".equalsIgnoreCase(text(parameters.get("enabled")));
        // a template that takes an API key offers the provider only when the key is set
        boolean hasKey = !parameters.containsKey("apiKey") || !text(parameters.get("apiKey")).isBlank();
        String defaultModel = text(parameters.get("model"));
        List<String> models = new ArrayList<>();
        for (String m : text(parameters.get("models")).split(",")) {
            if (!m.isBlank()) {
                models.add(m.trim());
            }
        }
        if (!defaultModel.isBlank() && !models.contains(defaultModel)) {
            models.add(0, defaultModel);
        }
        return new ProviderInfo(name, templateIdOf(definition), enabled && hasKey, defaultModel, List.copyOf(models));
    }

    private String templateIdOf(RouteDefinition definition) {
        Route route = camelContext.getRoute(definition.getRouteId());
        Object template = route == null ? null : route.getProperties().get(Route.TEMPLATE_PROPERTY);
        return template != null ? template.toString() : "";
    }

    private String text(Object value) {
        if (value == null) {
            return "";
        }
        return camelContext.resolvePropertyPlaceholders(value.toString()).trim();
    }

    private static List<ProfileInfo.Step> stepsOf(RouteDefinition definition) {
        Set<ProfileInfo.Step> steps = new LinkedHashSet<>();
        collect(definition.getOutputs(), steps);
        return List.copyOf(steps);
    }

    private static void collect(List<ProcessorDefinition<?>> outputs, Set<ProfileInfo.Step> steps) {
        for (ProcessorDefinition<?> output : outputs) {
            if (output instanceof SendDefinition<?> send) {
                String uri = send.getEndpointUri();
                if (uri != null && uri.startsWith("provider:")) {
                    steps.add(step(uri.substring("provider:".length())));
                }
            }
            collect(output.getOutputs(), steps);
        }
    }

    private static ProfileInfo.Step step(String rest) {
        int query = rest.indexOf('?');
        String name = query < 0 ? rest : rest.substring(0, query);
        String model = null;
        if (query >= 0) {
            for (String parameter : rest.substring(query + 1).split("&")) {
                if (parameter.startsWith("model=")) {
                    model = java.net.URLDecoder.decode(parameter.substring(6), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        }
        return new ProfileInfo.Step(name, model);
    }

    private record Snapshot(long generation, Map<String, ProfileInfo> profiles, Map<String, ProviderInfo> providers,
            Map<String, String> apiKeys) {

        @Override
        public String toString() {
            return "Snapshot[generation=" + generation + ", profiles=" + profiles.keySet() + ", providers="
                    + providers.keySet() + "]";   // never the keys
        }
    }
}
