package dev.caravan.alerts;

import java.time.Instant;
import java.util.Map;

/**
 * Something operators should hear about before users do. {@code cause} is a stable name to route and count on
 * ({@code ledger_dead_letter}, {@code breaker_opened}, …); {@code severity} is {@code info}, {@code warning} or
 * {@code critical}; {@code subject} is what the alert is about ({@code profile:fast}, {@code provider:groq},
 * {@code key:<id>}, {@code user:<id>}), and alerts are de-duplicated per cause and subject. {@code detail} holds
 * ids and numbers, never a secret, a prompt or another tenant's data: it is sent to webhooks as it is.
 */
public record AlertEvent(String cause, String severity, String summary, String subject, Map<String, Object> detail,
        Instant at) {

    public static final String INFO = "info";
    public static final String WARNING = "warning";
    public static final String CRITICAL = "critical";

    /** The subject keys looked for in {@code detail} when an event names no subject, most specific first. */
    private static final String[] SUBJECT_KEYS = {"provider", "profile", "key_id", "user_id"};

    public AlertEvent {
        detail = detail == null ? Map.of() : Map.copyOf(detail);
        subject = subject == null || subject.isBlank() ? subjectOf(detail) : subject;
        at = at == null ? Instant.now() : at;
    }

    /** An event without an explicit subject: it is taken from {@code detail} (see {@link #subjectOf}). */
    public AlertEvent(String cause, String severity, String summary, Map<String, Object> detail, Instant at) {
        this(cause, severity, summary, null, detail, at);
    }

    public static AlertEvent warning(String cause, String summary, Map<String, Object> detail) {
        return new AlertEvent(cause, WARNING, summary, null, detail, Instant.now());
    }

    public static AlertEvent warning(String cause, String subject, String summary, Map<String, Object> detail) {
        return new AlertEvent(cause, WARNING, summary, subject, detail, Instant.now());
    }

    public static AlertEvent critical(String cause, String subject, String summary, Map<String, Object> detail) {
        return new AlertEvent(cause, CRITICAL, summary, subject, detail, Instant.now());
    }

    public static AlertEvent info(String cause, String subject, String summary, Map<String, Object> detail) {
        return new AlertEvent(cause, INFO, summary, subject, detail, Instant.now());
    }

    /** The rank of a severity, for "at least" filters: info 0, warning 1, critical 2 (unknown: warning). */
    public int severityRank() {
        return rank(severity);
    }

    public static int rank(String severity) {
        if (INFO.equalsIgnoreCase(severity)) {
            return 0;
        }
        return CRITICAL.equalsIgnoreCase(severity) ? 2 : 1;
    }

    /**
     * {@code provider:groq} for an event whose detail names a provider, and so on for a profile, key or user; the
     * gateway itself ({@code gateway}) when it names none. A breaker event raised with
     * {@code warning(cause, summary, Map.of("provider", name))} is therefore de-duplicated per provider.
     */
    static String subjectOf(Map<String, Object> detail) {
        for (String key : SUBJECT_KEYS) {
            Object value = detail.get(key);
            if (value != null) {
                return key.replace("_id", "") + ":" + value;
            }
        }
        return "gateway";
    }
}
