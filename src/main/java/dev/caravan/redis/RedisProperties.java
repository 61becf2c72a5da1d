package dev.caravan.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.unit.DataSize;

/**
 * Where Caravan's Redis is (quotas, the response cache) and how long a call to it may take.
 *
 * @param url               {@code redis://[:password@]host:port[/db]} or {@code rediss://...}; empty starts an
 *                          embedded redis-server on a free port
 * @param timeout           the most any Redis command may add to a request: past it the command fails and the
 *                          caller decides (quotas fail open or closed, the cache answers a miss)
 * @param connectTimeout    how long one attempt to (re)connect may take
 * @param embeddedDataDir   folder of the embedded redis-server (without a url): its pid file and binary; one
 *                          gateway at a time, locked by {@code <folder>.lock} beside it. Redis keeps no data there.
 * @param embeddedMaxMemory the embedded server's {@code maxmemory}; past it the least recently used keys go
 */
@ConfigurationProperties("caravan.redis")
public record RedisProperties(String url, Duration timeout, Duration connectTimeout, String embeddedDataDir,
        DataSize embeddedMaxMemory) {

    @ConstructorBinding
    public RedisProperties {
        url = url == null ? "" : url.trim();
        timeout = timeout == null ? Duration.ofMillis(100) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(1) : connectTimeout;
        embeddedDataDir = embeddedDataDir == null || embeddedDataDir.isBlank() ? "data/redis" : embeddedDataDir.trim();
        embeddedMaxMemory = embeddedMaxMemory == null ? DataSize.ofMegabytes(256) : embeddedMaxMemory;
    }

    /** A server's settings, the embedded ones at their defaults. */
    public RedisProperties(String url, Duration timeout, Duration connectTimeout) {
        this(url, timeout, connectTimeout, null, null);
    }

    /** Whether the gateway runs its own redis-server. */
    public boolean embedded() {
        return url.isEmpty();
    }
}
