/**
 * Caravan's Redis: which server (configured, or an embedded redis-server by default, {@link
 * dev.caravan.redis.EmbeddedRedis}), the one shared Lettuce connection that quotas and the response cache use
 * asynchronously, never blocking an event loop, Spring Data's connection factory on the same server for route
 * steps, and the PING that {@code /health} reports.
 */
package dev.caravan.redis;
