package dev.caravan.api;

import dev.caravan.call.CallContext;
import dev.caravan.openai.Usage;
import dev.caravan.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** One line per model call, for operators: what was asked, who answered, how it ended, how long it took. */
public final class AccessLog {

    private static final Logger LOG = LoggerFactory.getLogger("caravan.access");
    /** A refused call's model is logged as the client sent it, made safe: no control character splits the line. */
    private static final int MAX_MODEL_SHOWN = 256;

    private AccessLog() {
    }

    /** The warm-up's calls (thousands at start) are not the operators' traffic. */
    private static boolean warmUp(CallContext call) {
        return call.identity() != null && call.identity().warmUp();
    }

    public static void log(CallContext call, int status, String outcome, Usage usage) {
        if (call != null && LOG.isInfoEnabled() && !warmUp(call)) {
            try (MDC.MDCCloseable ignored = call.inLogs()) {
                long millis = (System.nanoTime() - call.startNanos()) / 1_000_000;
                LOG.info("{} model={} provider={} upstream_model={} status={} outcome={} attempts={} prompt_tokens={} "
                                + "completion_tokens={} ms={}", call.operation().name().toLowerCase(),
                        SafeText.forStorage(call.requestedModel(), MAX_MODEL_SHOWN),
                        call.provider(), call.model(), status, outcome, call.attemptsMade(),
                        usage == null ? "-" : usage.promptTokens(), usage == null ? "-" : usage.completionTokens(), millis);
            }
        }
    }
}
