package dev.caravan.ops;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.ResourceReload;
import org.apache.camel.spi.ResourceReloadStrategy;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Watches Camel's route reloading, completes it with the file's templated routes ({@link TemplatedRoutesReload}),
 * and remembers, per file, whether its last edit loaded. Camel keeps the
 * routes that were running when an edited file fails to load (reload only replaces the routes of files that
 * parse); this makes the failure visible in {@code /health}, the log and metrics until the file is fixed.
 */
@Component
public class RouteReloadStatus {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloadStatus.class);

    /** A file whose last reload failed, and why (the parser's message, without stack trace). */
    public record Failure(String file, String message, Instant at) {
    }

    private final Map<String, Failure> failures = new LinkedHashMap<>();
    private volatile long reloads;

    /** Wraps the reload strategy Camel created from {@code camel.main.routes-reload-*}, if reloading is on. */
    public void attach(CamelContext camelContext) {
        RouteWatcherReloadStrategy strategy = camelContext.hasService(RouteWatcherReloadStrategy.class);
        if (strategy == null) {
            return;
        }
        ResourceReload original = strategy.getResourceReload();
        ((ResourceReloadStrategy) strategy).setResourceReload((name, resource) -> {
            try {
                original.onReload(name, resource);
                TemplatedRoutesReload.reload(camelContext, resource);
                succeeded(name);
            } catch (Exception e) {
                failed(name, e);
                throw e;
            }
        });
    }

    synchronized void succeeded(String file) {
        reloads++;
        if (failures.remove(file) != null) {
            LOG.info("routes file {} loads again", file);
        } else {
            LOG.info("routes file {} reloaded", file);
        }
    }

    synchronized void failed(String file, Exception e) {
        String message = rootMessage(e);
        failures.put(file, new Failure(file, message, Instant.now()));
        LOG.error("routes file {} was not reloaded, the routes it had keep running: {}", file, message);
    }

    public synchronized Map<String, Failure> failures() {
        return Map.copyOf(failures);
    }

    public long reloads() {
        return reloads;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
        return message.length() > 500 ? message.substring(0, 500) + "..." : message;
    }
}
