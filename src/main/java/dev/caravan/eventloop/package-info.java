/**
 * Running a model call on the Vert.x event loop: a step tries its work without blocking and hands it to a
 * worker thread only when it must wait ({@link dev.caravan.eventloop.OffLoop}); a route says it may start on
 * the loop with a route property ({@link dev.caravan.eventloop.EventLoopRoute}). This package depends on
 * Camel and Vert.x only, so that every capability ({@code api}, {@code account}, {@code billing},
 * {@code ledger}, {@code http}) can use it without a package cycle.
 */
package dev.caravan.eventloop;
