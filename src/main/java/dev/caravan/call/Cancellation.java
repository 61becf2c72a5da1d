package dev.caravan.call;

import org.apache.camel.Exchange;

/**
 * The handle by which a hedged routing step gives up one of its provider attempts once another answered first:
 * the attempt's upstream request is reset at once (so the provider stops generating), and the attempt is
 * recorded as {@link FailureKind#HEDGE_CANCELLED}, never as an answer or a failure of that provider.
 *
 * <p>The load balancer puts one on each attempt's exchange ({@link #PROPERTY}); the steps of the attempt
 * register what cancelling means for the stage they are at (an upstream call in flight, a stream already
 * open), and tell it when the provider's answer began ({@link #answering()}), which is what a hedge waits for.
 * Methods may be called from any thread.
 */
public final class Cancellation {

    /** The exchange property an attempt's handle travels in. */
    public static final String PROPERTY = "caravan.cancellation";

    private Runnable onCancel;
    private boolean cancelled;
    private volatile boolean answering;
    private volatile String provider;
    private volatile String model;

    /** Cancels the attempt: runs what its current stage registered, once. Harmless when repeated. */
    public void cancel() {
        Runnable action;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            action = onCancel;
            onCancel = null;
        }
        if (action != null) {
            action.run();
        }
    }

    public synchronized boolean cancelled() {
        return cancelled;
    }

    /**
     * What cancelling means from now on (it replaces what an earlier stage registered); run at once when the
     * attempt is cancelled already.
     */
    public void onCancel(Runnable action) {
        synchronized (this) {
            if (!cancelled) {
                onCancel = action;
                return;
            }
        }
        action.run();
    }

    /** The provider began to answer (a success status line arrived): a hedge need not start another. */
    public void markAnswering() {
        answering = true;
    }

    public boolean answering() {
        return answering;
    }

    /** Which provider and upstream model the attempt calls, once its provider step knows. */
    public void calling(String provider, String model) {
        this.provider = provider;
        this.model = model;
    }

    /** The attempt as the call's attempt log records it when it was cancelled; null before its provider was known. */
    public Attempt cancelledAttempt() {
        return provider == null ? null : new Attempt(provider, model, FailureKind.HEDGE_CANCELLED, 0);
    }

    /** The handle of the attempt {@code exchange} belongs to; null outside a hedged step. */
    public static Cancellation of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, Cancellation.class);
    }
}
