package dev.caravan.ops;

import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.TemplatedRouteDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the {@code templatedRoute}s of an edited routes file: provider instances ({@code routes/providers/})
 * and alert webhooks ({@code routes/alerts/}). Camel 4.17's route reload updates a file's {@code route}s and
 * {@code routeTemplate}s but not its templated routes ({@code RouteBuilder.updateRoutesToCamelContext} never
 * populates them), so without this a new provider file would only load at the next start and an edited one
 * would keep its old settings. Each templated route of the file replaces the running route of the same id (its
 * local beans, the settings with the key, are made anew) or is added.
 */
final class TemplatedRoutesReload {

    private static final Logger LOG = LoggerFactory.getLogger(TemplatedRoutesReload.class);

    private TemplatedRoutesReload() {
    }

    /** Adds or replaces the templated routes {@code resource} holds; the ids it did. */
    static List<String> reload(CamelContext camel, Resource resource) throws Exception {
        List<String> ids = new ArrayList<>();
        if (resource == null || !resource.exists()) {
            return ids;
        }
        Model model = camel.getCamelContextExtension().getContextPlugin(Model.class);
        for (RoutesBuilder found : PluginHelper.getRoutesLoader(camel).findRoutesBuilders(resource)) {
            if (!(found instanceof RouteBuilder builder)) {
                continue;
            }
            builder.configureRoutes(camel);
            List<TemplatedRouteDefinition> templated = builder.getTemplatedRouteCollection().getTemplatedRoutes();
            if (templated.isEmpty()) {
                continue;
            }
            for (TemplatedRouteDefinition definition : templated) {
                String id = definition.getRouteId();
                if (id != null && camel.getRoute(id) != null) {
                    camel.getRouteController().stopRoute(id);
                    RouteDefinition running = model.getRouteDefinition(id);
                    if (running != null) {
                        model.removeRouteDefinition(running);
                    } else {
                        camel.removeRoute(id);
                    }
                }
                ids.add(id);
            }
            builder.addTemplatedRoutesToCamelContext(camel);
        }
        if (!ids.isEmpty()) {
            LOG.info("templated routes reloaded from {}: {}", resource.getLocation(), ids);
        }
        return ids;
    }
}
