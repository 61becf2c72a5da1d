package dev.caravan.redis;

/** The URL of the Redis Caravan uses: the configured one, or that of the embedded server it started. */
public record RedisServerAddress(String url) {
}
