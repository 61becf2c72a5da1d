package dev.caravan.redis;

/**
 * The Redis Caravan uses.
 *
 * @param url      its URL: the configured one, or that of the embedded server
 * @param embedded whether it is the embedded server this gateway started
 */
public record RedisServerAddress(String url, boolean embedded) {

    /** A configured server. */
    public RedisServerAddress(String url) {
        this(url, false);
    }
}
