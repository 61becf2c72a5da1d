package dev.caravan.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where Caravan's Redis is (quotas, the response cache) and how long a call to it may take.
 *
 * @param url            {@code redis://[:password@]host:port[/db]} or {@code rediss://...}; empty starts an
 *                       embedded redis-server on a free port
 * @param timeout        the most any Redis command may add to a request: past it the command fails and the
 *                       caller decides (quotas fail open or closed, the cache answers a miss)
 * @param connectTimeout how long one attempt to (re)connect may take
 */
@ConfigurationProperties("caravan.redis")
public record RedisProperties(String url, Duration timeout, Duration connectTimeout) {

    public RedisProperties {
        url = url == null ? "" : url.trim();
        timeout = timeout == null ? Duration.ofMillis(100) : timeout;
        connectTimeout = connectTimeout == null ? Duration.ofSeconds(1) : connectTimeout;
    }

    /** Whether the gateway runs its own redis-server. */
    public boolean embedded() {
        return url.isEmpty();
    }
}
