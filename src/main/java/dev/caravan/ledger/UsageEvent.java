package dev.caravan.ledger;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntFunction;

import dev.caravan.text.SafeText;

/**
 * One request as the usage ledger records it: who, what, who answered, tokens, cost and how it went.
 * {@code estimated} is true when the tokens were counted by Caravan (the provider reported none, or the
 * stream was cut short); {@code cached} marks an answer served from the response cache.
 */
public record UsageEvent(String requestId, String clientRequestId, UUID userId, UUID keyId, String operation, String profile, String provider,
        String model, String requestedModel, long promptTokens, long completionTokens, long cachedTokens, BigDecimal cost,
        boolean estimated, boolean cached, int status, String outcome, Long latencyMs, Long ttftMs, int attempts,
        boolean reserved, String leaseId) {

    /** The longest text a ledger column keeps; longer values are cut (the edge refuses a longer model). */
    static final int MAX_TEXT = 256;

    /**
     * Every text is made storable here, once: a value a client or a provider chose (the requested model, the
     * model a provider names in its answer) can never make the batch insert fail (see SafeText).
     */
    public UsageEvent {
        requestId = SafeText.forStorage(requestId, MAX_TEXT);
        clientRequestId = SafeText.forStorage(clientRequestId, MAX_TEXT);
        operation = SafeText.forStorage(operation, MAX_TEXT);
        profile = SafeText.forStorage(profile, MAX_TEXT);
        provider = SafeText.forStorage(provider, MAX_TEXT);
        model = SafeText.forStorage(model, MAX_TEXT);
        requestedModel = SafeText.forStorage(requestedModel, MAX_TEXT);
        outcome = SafeText.forStorage(outcome, MAX_TEXT);
    }

    /** The exchange property the API routes leave the event in, for the ledger wire tap. */
    public static final String PROPERTY = "caravan.usage";

    /**
     * More ledger rows of the same call, rarely any (a {@code List<UsageEvent>}): the attempts a hedged step
     * cancelled. Never charged, so they travel beside the call's own event.
     */
    public static final String SIDE_EVENTS = "caravan.usage.side";

    /**
     * A batch of events as the named parameters of the ledger insert: one array per column, so that the whole
     * batch is one row of parameters and one statement ({@code unnest}). Money and ids travel as text and are
     * cast in SQL.
     */
    public static Map<String, Object> columns(List<UsageEvent> events) {
        Map<String, Object> columns = new HashMap<>();
        column(columns, "requestIds", events, String[]::new, UsageEvent::requestId);
        column(columns, "clientRequestIds", events, String[]::new, UsageEvent::clientRequestId);
        column(columns, "userIds", events, String[]::new, e -> e.userId == null ? null : e.userId.toString());
        column(columns, "keyIds", events, String[]::new, e -> e.keyId == null ? null : e.keyId.toString());
        column(columns, "operations", events, String[]::new, UsageEvent::operation);
        column(columns, "profiles", events, String[]::new, UsageEvent::profile);
        column(columns, "providers", events, String[]::new, UsageEvent::provider);
        column(columns, "models", events, String[]::new, UsageEvent::model);
        column(columns, "requestedModels", events, String[]::new, UsageEvent::requestedModel);
        column(columns, "promptTokens", events, Long[]::new, UsageEvent::promptTokens);
        column(columns, "completionTokens", events, Long[]::new, UsageEvent::completionTokens);
        column(columns, "cachedTokens", events, Long[]::new, UsageEvent::cachedTokens);
        column(columns, "costs", events, String[]::new, e -> e.cost.toPlainString());
        column(columns, "estimated", events, Boolean[]::new, UsageEvent::estimated);
        column(columns, "cached", events, Boolean[]::new, UsageEvent::cached);
        column(columns, "statuses", events, Integer[]::new, UsageEvent::status);
        column(columns, "outcomes", events, String[]::new, UsageEvent::outcome);
        column(columns, "latencies", events, Long[]::new, UsageEvent::latencyMs);
        column(columns, "ttfts", events, Long[]::new, UsageEvent::ttftMs);
        column(columns, "attempts", events, Integer[]::new, UsageEvent::attempts);
        return columns;
    }

    /** One column of the batch: the value of every event, as a typed array (JDBC makes it a PostgreSQL array). */
    private static <T> void column(Map<String, Object> columns, String name, List<UsageEvent> events,
            IntFunction<T[]> array, Function<UsageEvent, T> value) {
        T[] values = array.apply(events.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = value.apply(events.get(i));
        }
        columns.put(name, values);
    }
}
