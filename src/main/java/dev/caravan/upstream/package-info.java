/**
 * A non-blocking HTTP client for provider calls: the Camel component {@code upstream:<name>} on a Vert.x
 * {@link io.vertx.core.http.HttpClient}.
 *
 * <ul>
 *   <li>In: an {@link dev.caravan.upstream.UpstreamRequest} (method, absolute URI, headers, body, whether a
 *       stream is expected, connect / first-byte / idle timeouts).</li>
 *   <li>Out: an {@link dev.caravan.upstream.UpstreamResponse}: {@code Whole} (a body read to its end: 2xx, or a
 *       business 4xx) or {@code EventStream} (a 2xx event stream, handed over at its first event with a
 *       {@link dev.caravan.upstream.Relay} for the rest).</li>
 *   <li>Failure: an {@link dev.caravan.upstream.UpstreamFailure} on the exchange (connect, timeout, 5xx / 429 /
 *       408, a stream cut before its first event), for Camel's failover.</li>
 * </ul>
 *
 * Events are framed by {@link dev.caravan.upstream.SseParser}. Nothing here blocks a thread; callbacks run on Vert.x event loops.
 */
package dev.caravan.upstream;
