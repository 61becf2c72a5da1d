/**
 * Caravan's Redis: which server (configured, or an embedded redis-server by default) and the one shared Lettuce
 * connection that quotas and the response cache use asynchronously, never blocking an event loop.
 */
package dev.caravan.redis;
