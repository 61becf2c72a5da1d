package dev.caravan.quota;

/**
 * One rate limit a call takes from: its Redis key, its limit per minute and what the call costs of it.
 *
 * @param key  {@code caravan:quota:{<user id>}:<quota name>:key:<key id>:rpm}, or {@code ...:user:tpm}: every key of
 *             a call carries its user in braces (a Redis Cluster hash tag), so the one script runs on one node
 * @param cost 1 for a request limit; the tokens taken up front for a token limit
 */
record Bucket(Limit limit, String key, long perMinute, long cost) {
}
