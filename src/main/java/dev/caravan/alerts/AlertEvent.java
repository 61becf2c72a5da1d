package dev.caravan.alerts;

import java.time.Instant;
import java.util.Map;

/**
 * Something operators should hear about before users do. {@code cause} is a stable name to route and count on
 * ({@code ledger_dead_letter}, …); {@code detail} holds ids and numbers, never a secret or a prompt.
 */
public record AlertEvent(String cause, String severity, String summary, Map<String, Object> detail, Instant at) {

    public static AlertEvent warning(String cause, String summary, Map<String, Object> detail) {
        return new AlertEvent(cause, "warning", summary, Map.copyOf(detail), Instant.now());
    }
}
