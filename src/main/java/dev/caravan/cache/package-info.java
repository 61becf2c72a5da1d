/**
 * The response cache: the {@code cache:} step of a profile route answers a repeated chat completion from Redis
 * (exact match on the normalized request, per user unless the profile shares it), replays streams chunk by chunk,
 * and stores new answers off the request's path. See {@link dev.caravan.cache.CacheProducer}.
 */
package dev.caravan.cache;
