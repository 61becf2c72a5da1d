package dev.caravan.eventloop;

import org.apache.camel.Exchange;

/** A step's attempt at its work that never waits: it either finishes or says that finishing needs to block. */
@FunctionalInterface
public interface NonBlockingStep {

    /**
     * Does the step's work if that needs no waiting (no database, no lock held by another thread, no full queue).
     *
     * @return true when the work is done; false when only the blocking version can do it, which then runs on a
     *     worker on the same exchange, so what this attempt left on the exchange must be harmless to do again
     * @throws Exception a refusal that needed no waiting, handled as the blocking version's would be
     */
    boolean tryProcess(Exchange exchange) throws Exception;
}
