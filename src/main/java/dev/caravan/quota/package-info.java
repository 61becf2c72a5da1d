/**
 * Rate limits: the {@code quota:} step of a profile route takes each call's share of its API key's and its user's
 * requests and tokens per minute in Redis (one Lua script, one round trip, exact across replicas), answers 429
 * with OpenAI's headers when over, and corrects the tokens by the real usage. See
 * {@link dev.caravan.quota.QuotaProducer}.
 */
package dev.caravan.quota;
