package dev.caravan.api;

import java.util.List;
import java.util.Map;

import dev.caravan.alerts.AlertEvent;
import dev.caravan.alerts.Alerts;

import dev.caravan.call.Attempt;
import dev.caravan.call.CallContext;
import dev.caravan.call.CallOutcome;
import dev.caravan.call.FailureKind;
import dev.caravan.call.RequestIds;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import dev.caravan.provider.ProviderFailureException;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Turns whatever stopped a request into an OpenAI-shaped error with the right status. Provider failures are
 * summed up over all attempts: all timed out is 504, all rate limited 429, none configured 503, else 502.
 * Nothing internal (stack trace, exchange, upstream body) reaches the client or the log.
 */
@Component
public class ErrorResponder {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorResponder.class);

    private final Alerts alerts;

    public ErrorResponder(Alerts alerts) {
        this.alerts = alerts;
    }

    public void respond(Exchange exchange) {
        Throwable failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        CallContext call = CallContext.of(exchange);
        OpenAiError error = errorFor(failure, call);
        if (failure instanceof ProviderFailureException && call != null && error.status() != 503) {
            raiseAllProvidersFailed(call, error);
        }
        // a refusal Caravan chose (an ApiException) is not an internal error, and says so to the client itself
        if (error.status() >= 500 && !(failure instanceof ProviderFailureException) && !(failure instanceof ApiException)) {
            try (MDC.MDCCloseable ignored = call == null ? null : call.inLogs()) {
                LOG.error("internal error: {}: {}", failure == null ? "unknown" : failure.getClass().getName(),
                        failure == null ? "" : failure.getMessage());
            }
        }
        Message message = exchange.getMessage();
        message.removeHeaders("*");
        if (call == null) {
            String requestId = exchange.getProperty(RequestIds.HEADER, String.class);
            message.setHeader(RequestIds.HEADER, requestId != null ? requestId : RequestIds.newId());
        }
        ResponseWriter.json(message, call, error.status(), error.toBytes());
        new CallOutcome(error.status(), "error", null, null, null).leaveOn(exchange);
    }

    /**
     * Every provider tried for the call failed (none configured is a setup matter, not an outage, and raises
     * nothing). A queue offer: cheap on the event loop. Provider names and counts only, nothing of the request.
     */
    private void raiseAllProvidersFailed(CallContext call, OpenAiError error) {
        // a profile, or the raw provider/model id the gateway resolved (never the client's own text)
        String subject = call.profile() != null ? "profile:" + call.profile()
                : "model:" + call.rawProvider() + "/" + call.rawModel();
        String profile = call.profile() != null ? call.profile() : call.rawProvider() + "/" + call.rawModel();
        List<String> providers = call.attempts().stream().filter(a -> a.failure() != FailureKind.UNAVAILABLE)
                .map(Attempt::provider).distinct().toList();
        alerts.raise(AlertEvent.critical("all_providers_failed", subject,
                "every provider of a profile failed for a request", Map.of("profile", profile,
                        "providers", String.join(",", providers), "status", error.status(),
                        "code", String.valueOf(error.code()), "request_id", call.requestId())));
    }

    static OpenAiError errorFor(Throwable failure, CallContext call) {
        if (failure instanceof ApiException api) {
            return api.error();
        }
        if (failure instanceof ProviderFailureException && call != null) {
            if (call.remainingNanos() <= 0) {
                return deadlinePassed(call.requestedModel());
            }
            return allProvidersFailed(call.requestedModel(), call.attempts());
        }
        String id = call != null ? call.shownRequestId() : "";
        return new OpenAiError(500, "The server had an error while processing your request. Request id: " + id,
                OpenAiError.API_ERROR, null, null);
    }

    /** The request's total deadline (caravan.resilience.total-deadline) passed before any provider answered. */
    static OpenAiError deadlinePassed(String model) {
        return new OpenAiError(504, "No provider for `" + model + "` answered within the request's deadline.",
                OpenAiError.API_ERROR, null, "upstream_timeout");
    }

    static OpenAiError allProvidersFailed(String model, List<Attempt> attempts) {
        List<Attempt> tried = attempts.stream().filter(a -> a.failure() != FailureKind.UNAVAILABLE
                && a.failure() != FailureKind.DEADLINE).toList();
        if (tried.isEmpty()) {
            return new OpenAiError(503, "No provider for `" + model + "` is available: none of its providers is "
                    + "configured (set their API keys).", OpenAiError.API_ERROR, null, "provider_unavailable");
        }
        if (tried.stream().allMatch(a -> a.failure() == FailureKind.CIRCUIT_OPEN)) {
            return new OpenAiError(503, "No provider for `" + model + "` is available: every one of them is failing "
                    + "and paused by its circuit breaker; retry later.", OpenAiError.API_ERROR, null, "circuit_open");
        }
        if (tried.stream().allMatch(a -> a.failure() == FailureKind.RATE_LIMITED)) {
            return new OpenAiError(429, "Every provider for `" + model + "` is rate limiting requests; retry later.",
                    OpenAiError.RATE_LIMIT, null, "upstream_rate_limited");
        }
        if (tried.stream().allMatch(a -> a.failure() == FailureKind.TIMEOUT)) {
            return new OpenAiError(504, "The provider for `" + model + "` did not answer in time.",
                    OpenAiError.API_ERROR, null, "upstream_timeout");
        }
        return new OpenAiError(502, "Every provider for `" + model + "` failed (" + tried.size() + " tried).",
                OpenAiError.API_ERROR, null, "upstream_error");
    }
}
