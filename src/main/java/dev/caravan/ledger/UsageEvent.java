package dev.caravan.ledger;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One request as the usage ledger records it: who, what, who answered, tokens, cost and how it went.
 * {@code estimated} is true when the tokens were counted by Caravan (the provider reported none, or the
 * stream was cut short); {@code cached} marks an answer served from the response cache.
 */
public record UsageEvent(String requestId, String clientRequestId, UUID userId, UUID keyId, String operation, String profile, String provider,
        String model, String requestedModel, long promptTokens, long completionTokens, long cachedTokens, BigDecimal cost,
        boolean estimated, boolean cached, int status, String outcome, Long latencyMs, Long ttftMs, int attempts,
        boolean reserved, String leaseId) {

    /** The exchange property the API routes leave the event in, for the ledger wire tap. */
    public static final String PROPERTY = "caravan.usage";

    /** The named parameters of the ledger insert. */
    public Map<String, Object> row() {
        Map<String, Object> row = new HashMap<>();
        row.put("requestId", requestId);
        row.put("clientRequestId", clientRequestId);
        row.put("userId", userId);
        row.put("keyId", keyId);
        row.put("operation", operation);
        row.put("profile", profile);
        row.put("provider", provider);
        row.put("model", model);
        row.put("requestedModel", requestedModel);
        row.put("promptTokens", promptTokens);
        row.put("completionTokens", completionTokens);
        row.put("cachedTokens", cachedTokens);
        row.put("cost", cost);
        row.put("estimated", estimated);
        row.put("cached", cached);
        row.put("status", status);
        row.put("outcome", outcome);
        row.put("latencyMs", latencyMs);
        row.put("ttftMs", ttftMs);
        row.put("attempts", attempts);
        return row;
    }
}
