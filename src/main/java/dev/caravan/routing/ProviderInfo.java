package dev.caravan.routing;

import java.util.List;

/**
 * A provider instance as its YAML file declares it (the parameters of its templated route).
 *
 * @param name     the instance name, e.g. {@code groq}; its route is {@code direct:provider-<name>}
 * @param adapter  the route template it instantiates, e.g. {@code openai-compatible}
 * @param offered  false when it lacks its API key or is disabled: it is then skipped and not listed
 * @param model    the upstream model used when a profile step names none
 * @param models   the upstream models listed in {@code /v1/models}
 */
public record ProviderInfo(String name, String adapter, boolean offered, String model, List<String> models) {
}
