package dev.caravan.routing;

import java.util.List;

/**
 * A model profile as its YAML route declares it.
 *
 * @param name        the name clients send as {@code model}; its route id is {@code profile-<name>}
 * @param description the route's description, shown to operators
 * @param providers   the providers its steps name, in order ({@code provider:<name>} endpoints)
 * @param steps       those steps with the upstream model each one asks for
 */
public record ProfileInfo(String name, String description, List<String> providers, List<Step> steps) {

    /** One {@code provider:<name>?model=<model>} step; model is null when the step uses the provider's default. */
    public record Step(String provider, String model) {
    }
}
