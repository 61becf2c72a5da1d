package dev.caravan.ledger;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
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

    /**
     * A batch of events as the named parameters of the ledger insert: one array per column, so that the whole
     * batch is one row of parameters and one statement ({@code unnest}). Money and ids travel as text and are
     * cast in SQL.
     */
    public static Map<String, Object> columns(List<UsageEvent> events) {
        int n = events.size();
        String[] requestIds = new String[n];
        String[] clientRequestIds = new String[n];
        String[] userIds = new String[n];
        String[] keyIds = new String[n];
        String[] operations = new String[n];
        String[] profiles = new String[n];
        String[] providers = new String[n];
        String[] models = new String[n];
        String[] requestedModels = new String[n];
        Long[] promptTokens = new Long[n];
        Long[] completionTokens = new Long[n];
        Long[] cachedTokens = new Long[n];
        String[] costs = new String[n];
        Boolean[] estimated = new Boolean[n];
        Boolean[] cached = new Boolean[n];
        Integer[] statuses = new Integer[n];
        String[] outcomes = new String[n];
        Long[] latencies = new Long[n];
        Long[] ttfts = new Long[n];
        Integer[] attempts = new Integer[n];
        for (int i = 0; i < n; i++) {
            UsageEvent e = events.get(i);
            requestIds[i] = e.requestId;
            clientRequestIds[i] = e.clientRequestId;
            userIds[i] = e.userId == null ? null : e.userId.toString();
            keyIds[i] = e.keyId == null ? null : e.keyId.toString();
            operations[i] = e.operation;
            profiles[i] = e.profile;
            providers[i] = e.provider;
            models[i] = e.model;
            requestedModels[i] = e.requestedModel;
            promptTokens[i] = e.promptTokens;
            completionTokens[i] = e.completionTokens;
            cachedTokens[i] = e.cachedTokens;
            costs[i] = e.cost.toPlainString();
            estimated[i] = e.estimated;
            cached[i] = e.cached;
            statuses[i] = e.status;
            outcomes[i] = e.outcome;
            latencies[i] = e.latencyMs;
            ttfts[i] = e.ttftMs;
            attempts[i] = e.attempts;
        }
        Map<String, Object> columns = new HashMap<>();
        columns.put("requestIds", requestIds);
        columns.put("clientRequestIds", clientRequestIds);
        columns.put("userIds", userIds);
        columns.put("keyIds", keyIds);
        columns.put("operations", operations);
        columns.put("profiles", profiles);
        columns.put("providers", providers);
        columns.put("models", models);
        columns.put("requestedModels", requestedModels);
        columns.put("promptTokens", promptTokens);
        columns.put("completionTokens", completionTokens);
        columns.put("cachedTokens", cachedTokens);
        columns.put("costs", costs);
        columns.put("estimated", estimated);
        columns.put("cached", cached);
        columns.put("statuses", statuses);
        columns.put("outcomes", outcomes);
        columns.put("latencies", latencies);
        columns.put("ttfts", ttfts);
        columns.put("attempts", attempts);
        return columns;
    }
}
