package dev.caravan.quota;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.UnitOfWork;

/**
 * Whether the step right after a route's {@code quota:<name>} step is a {@code cache:} step, which sends its Redis
 * GET behind the quota script on the same connection and awaits the quota's decision with its own reply: the two
 * lookups then cost one round trip, not two. Read from the running route's definition (as written in its YAML),
 * once per route and again after the route is reloaded; a route whose definition cannot be read answers false, and
 * the quota step awaits its own reply.
 */
final class CacheStepFollows {

    private record Known(Route route, String quota, boolean follows) {
    }

    private final Map<String, Known> byRoute = new ConcurrentHashMap<>();

    boolean test(Exchange exchange, String quotaName) {
        UnitOfWork unitOfWork = exchange.getUnitOfWork();
        Route route = unitOfWork == null ? null : unitOfWork.getRoute();
        if (route == null) {
            return false;
        }
        Known known = byRoute.get(route.getRouteId());
        if (known == null || known.route() != route || !known.quota().equals(quotaName)) {
            known = new Known(route, quotaName, follows(exchange, route.getRouteId(), quotaName));
            byRoute.put(route.getRouteId(), known);
        }
        return known.follows();
    }

    private static boolean follows(Exchange exchange, String routeId, String quotaName) {
        if (!(exchange.getContext() instanceof ModelCamelContext model)) {
            return false;
        }
        RouteDefinition definition = model.getRouteDefinition(routeId);
        if (definition == null) {
            return false;
        }
        List<ProcessorDefinition<?>> steps = definition.getOutputs();
        for (int i = 0; i + 1 < steps.size(); i++) {
            if (steps.get(i) instanceof ToDefinition to && quotaName.equals(name(to.getEndpointUri(), "quota"))) {
                return steps.get(i + 1) instanceof ToDefinition next && name(next.getEndpointUri(), "cache") != null;
            }
        }
        return false;
    }

    /** The name in {@code <scheme>:<name>?...} (or {@code <scheme>://<name>}), or null for another scheme. */
    private static String name(String uri, String scheme) {
        if (uri == null || !uri.startsWith(scheme + ":")) {
            return null;
        }
        String rest = uri.substring(scheme.length() + 1);
        if (rest.startsWith("//")) {
            rest = rest.substring(2);
        }
        int query = rest.indexOf('?');
        return query < 0 ? rest : rest.substring(0, query);
    }
}
