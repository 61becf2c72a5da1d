package dev.caravan.eventloop;

import org.apache.camel.Route;

/**
 * The route property that lets a platform-http route start on the Vert.x event loop that read its request,
 * instead of on a worker thread: {@code routeProperty(EventLoopRoute.PROPERTY, "true")}. A route may carry it
 * only when none of its steps blocks on the loop: each step either never waits or is an {@link OffLoop} that
 * hands its waiting to a worker. It takes effect only when {@code caravan.http.event-loop} is on.
 */
public final class EventLoopRoute {

    public static final String PROPERTY = "caravan.on-event-loop";

    private EventLoopRoute() {
    }

    /** Whether the route says it may run on the event loop. */
    public static boolean isMarked(Route route) {
        return route != null && "true".equals(String.valueOf(route.getProperties().get(PROPERTY)));
    }
}
