package dev.caravan.cache;

import java.math.BigDecimal;
import java.time.Duration;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.util.unit.DataSize;

/** See {@link CacheComponent}: the options of one profile's cache step. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "cache", title = "Caravan response cache", syntax = "cache:name",
        producerOnly = true, category = {Category.CACHE}, lenientProperties = false)
public class CacheEndpoint extends DefaultEndpoint {

    @UriPath(description = "The cache's name: part of every key, so a new name starts an empty cache")
    private final String name;

    @UriParam(defaultValue = "1h", description = "How long an answer stays cached (10m, 1h, 30s...)")
    private Duration ttl = Duration.ofHours(1);

    @UriParam(defaultValue = "24h", description = "The longest TTL a request may ask for with x-caravan-cache-ttl")
    private Duration maxTtl = Duration.ofHours(24);

    @UriParam(defaultValue = "false", description = "One cache for every user of the profile instead of one per user")
    private boolean shared;

    @UriParam(defaultValue = "false",
            description = "Cache every request of the profile, not only deterministic ones (temperature 0 or a seed)")
    private boolean always;

    @UriParam(defaultValue = "1MB", description = "A larger answer is not stored (1MB, 256KB...)")
    private DataSize maxEntrySize = DataSize.ofMegabytes(1);

    @UriParam(defaultValue = "0", description = "What a hit costs the caller, in USD (free by default)")
    private BigDecimal hitPrice = BigDecimal.ZERO;

    private final CacheLookup lookup;

    CacheEndpoint(String uri, CacheComponent component, String name, CacheLookup lookup) {
        super(uri, component);
        this.name = name;
        this.lookup = lookup;
    }

    void validate() {
        if (ttl.toSeconds() < 1 || maxTtl.toSeconds() < 1) {
            throw new IllegalArgumentException("cache: ttl and maxTtl must be at least 1s");
        }
        if (maxEntrySize.toBytes() < 1 || hitPrice.signum() < 0) {
            throw new IllegalArgumentException("cache: maxEntrySize must be positive and hitPrice not negative");
        }
    }

    @Override
    public Producer createProducer() {
        return new CacheProducer(this, lookup);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("cache: is a producer only endpoint");
    }

    public String getName() {
        return name;
    }

    public Duration getTtl() {
        return ttl;
    }

    public void setTtl(String ttl) {
        this.ttl = duration(ttl);
    }

    public Duration getMaxTtl() {
        return maxTtl;
    }

    public void setMaxTtl(String maxTtl) {
        this.maxTtl = duration(maxTtl);
    }

    /** {@code 30s}, {@code 10m}, {@code 1h}, or a bare number of seconds, as {@code x-caravan-cache-ttl} counts. */
    private static Duration duration(String text) {
        String trimmed = text.trim();
        return trimmed.chars().allMatch(Character::isDigit) && !trimmed.isEmpty()
                ? Duration.ofSeconds(Long.parseLong(trimmed)) : DurationStyle.detectAndParse(trimmed);
    }

    public boolean isShared() {
        return shared;
    }

    public void setShared(boolean shared) {
        this.shared = shared;
    }

    public boolean isAlways() {
        return always;
    }

    public void setAlways(boolean always) {
        this.always = always;
    }

    public DataSize getMaxEntrySize() {
        return maxEntrySize;
    }

    public void setMaxEntrySize(String maxEntrySize) {
        this.maxEntrySize = DataSize.parse(maxEntrySize);
    }

    public BigDecimal getHitPrice() {
        return hitPrice;
    }

    public void setHitPrice(String hitPrice) {
        this.hitPrice = new BigDecimal(hitPrice);
    }
}
