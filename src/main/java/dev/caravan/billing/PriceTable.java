package dev.caravan.billing;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The price table ({@code config/prices.yaml}), read again whenever the file changes (checked at most every
 * two seconds, on use). A file that does not parse keeps the last good prices and is reported until fixed.
 * The check and the reading are file I/O, so they run in the background: a price is asked for on the request's
 * thread, which may be an event loop, and is answered from the prices loaded last.
 */
@Component
public class PriceTable {

    private static final Logger LOG = LoggerFactory.getLogger(PriceTable.class);
    private static final long CHECK_EVERY_NANOS = 2_000_000_000L;

    private record Snapshot(Map<String, Price> models, Price fallback, FileTime modified) {
    }

    private final Path file;
    private volatile Snapshot snapshot;
    private final AtomicLong lastCheck = new AtomicLong();
    private volatile String error;

    public PriceTable(@Value("${caravan.billing.prices-file:config/prices.yaml}") String file) {
        this.file = Path.of(file);
        this.snapshot = load();
        if (snapshot == null) {
            throw new IllegalStateException("the price table " + file + " could not be read: " + error);
        }
        this.lastCheck.set(System.nanoTime());
    }

    /** The price of a {@code provider/model}; the default price when it is not listed. */
    public Price price(String provider, String model) {
        refreshIfChanged();
        Snapshot current = snapshot;
        Price price = current.models().get(provider + "/" + model);
        return price != null ? price : current.fallback();
    }

    public boolean listed(String provider, String model) {
        return snapshot.models().containsKey(provider + "/" + model);
    }

    /** Why the file's last edit did not load; null when it did. */
    public String error() {
        return error;
    }

    public Path file() {
        return file;
    }

    /** Starts a check of the file in the background, if none ran for two seconds. */
    private void refreshIfChanged() {
        long now = System.nanoTime();
        long last = lastCheck.get();
        if (now - last >= CHECK_EVERY_NANOS && lastCheck.compareAndSet(last, now)) {
            CompletableFuture.runAsync(this::reloadIfChanged);
        }
    }

    private void reloadIfChanged() {
        try {
            if (!Files.getLastModifiedTime(file).equals(snapshot.modified())) {
                Snapshot loaded = load();
                if (loaded != null) {
                    snapshot = loaded;
                    LOG.info("prices reloaded from {} ({} models)", file, loaded.models().size());
                }
            }
        } catch (IOException e) {
            error = "cannot read " + file + ": " + e.getMessage();
        }
    }

    @SuppressWarnings("unchecked")
    private Snapshot load() {
        try (Reader reader = Files.newBufferedReader(file)) {
            FileTime modified = Files.getLastModifiedTime(file);
            Map<String, Object> root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            Price fallback = price((Map<String, Object>) root.get("default"), "default");
            Map<String, Price> models = new HashMap<>();
            Object listed = root.get("models");
            if (listed instanceof Map<?, ?> map) {
                for (var entry : map.entrySet()) {
                    models.put(entry.getKey().toString(),
                            price((Map<String, Object>) entry.getValue(), entry.getKey().toString()));
                }
            }
            error = null;
            return new Snapshot(Map.copyOf(models), fallback, modified);
        } catch (IOException | RuntimeException e) {
            error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            LOG.error("prices file {} was not loaded, the last good prices stay in force: {}", file, error);
            return null;
        }
    }

    private static Price price(Map<String, Object> entry, String name) {
        if (entry == null) {
            throw new IllegalArgumentException("no price given for " + name);
        }
        BigDecimal input = decimal(entry.get("input"), name + ".input");
        BigDecimal output = decimal(entry.get("output"), name + ".output");
        BigDecimal cached = entry.containsKey("cached_input") ? decimal(entry.get("cached_input"), name + ".cached_input") : input;
        Object max = entry.getOrDefault("max_output", 4096);
        return new Price(input, output, cached, Integer.parseInt(max.toString()));
    }

    private static BigDecimal decimal(Object value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("missing " + what);
        }
        BigDecimal decimal = new BigDecimal(value.toString());
        if (decimal.signum() < 0) {
            throw new IllegalArgumentException(what + " is negative");
        }
        return decimal;
    }

}
