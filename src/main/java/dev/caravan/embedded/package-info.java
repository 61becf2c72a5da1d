/**
 * Keeping a server that the gateway runs itself (the embedded PostgreSQL and the embedded Redis) tied to
 * the gateway's life: one gateway per data directory (an OS file lock), a server left running by a crashed
 * gateway is stopped on the next start, and a watchdog stops the server when its gateway dies without cleaning
 * up. {@link dev.caravan.embedded.EmbeddedProcessGuard} is the entry point; it depends on nothing else in Caravan.
 */
package dev.caravan.embedded;
