/**
 * How Caravan copes with providers that fail or slow down: a circuit breaker per provider instance (or per
 * provider and model), the retry policy within a provider (exponential backoff with full jitter, {@code
 * Retry-After} honoured up to a cap), a cheap window of recent calls per provider for {@code /health/detailed},
 * and readiness that turns down when no provider of any profile can be used.
 *
 * <p>Nothing here blocks: breakers are consulted with {@code tryAcquirePermission}/{@code onSuccess}/{@code
 * onError} from the provider call on its event loop (README, design notes: why not Camel's {@code circuitBreaker}
 * EIP), and the statistics are a few preallocated arrays per provider.
 */
package dev.caravan.resilience;
