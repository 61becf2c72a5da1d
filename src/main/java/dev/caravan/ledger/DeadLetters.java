package dev.caravan.ledger;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.caravan.alerts.AlertEvent;
import dev.caravan.alerts.Alerts;
import dev.caravan.billing.WalletService;
import dev.caravan.text.SafeText;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Usage events whose ledger row the database refused for good (an isolated data error): kept in
 * {@code ledger_dead_letters} with the raw event and the error, charged to their wallet all the same, counted
 * ({@code caravan_ledger_dead_letters_total}) and raised as an alert. An admin replays one into the ledger once
 * its cause is fixed.
 */
@Component
public class DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Every non-ASCII character escaped: the stored JSON is plain ASCII, so the dead letter itself is writable. */
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII).build();
    private static final int MAX_ERROR = 2000;
    private static final BigDecimal MONEY_LIMIT = new BigDecimal("1000000000000");

    /** A dead letter as stored: what replay needs. */
    public record DeadLetter(long id, String requestId, UsageEvent event, boolean replayed) {
    }

    private final JdbcTemplate jdbc;
    private final WalletService wallets;
    private final Alerts alerts;
    private final Counter counted;

    public DeadLetters(JdbcTemplate jdbc, WalletService wallets, Alerts alerts, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.wallets = wallets;
        this.alerts = alerts;
        this.counted = Counter.builder("caravan.ledger.dead.letters")
                .description("usage events whose ledger row could not be written, kept in ledger_dead_letters")
                .register(meters);
    }

    /** Keeps {@code event}, refused by the ledger with {@code failure}, and charges its cost when it can. */
    public void record(UsageEvent event, Throwable failure) {
        String error = SafeText.forStorage(LedgerFailures.describe(failure), MAX_ERROR);
        boolean charged = charge(event);
        String raw = toJson(event);
        BigDecimal cost = event.cost() != null && event.cost().abs().compareTo(MONEY_LIMIT) < 0 ? event.cost() : null;
        try {
            jdbc.update("insert into ledger_dead_letters (request_id, user_id, key_id, cost, charged, event, error) "
                    + "values (?, ?, ?, ?, ?, ?, ?)", event.requestId(), event.userId(), event.keyId(), cost, charged, raw, error);
        } catch (RuntimeException e) {
            // the last place the event can go: the log, whole, so an operator can still replay it by hand
            LOG.error("usage event {} could not be written to the ledger ({}) nor kept as a dead letter ({}); event: {}",
                    event.requestId(), error, LedgerFailures.describe(e), raw);
        }
        counted.increment();
        LOG.warn("usage event {} dead-lettered ({}); {}", event.requestId(), error,
                charged ? "its cost was charged" : "it was not charged");
        // about the call's user when it has one: alerts are de-duplicated per cause and subject
        Map<String, Object> detail = new java.util.HashMap<>(Map.of("request_id", event.requestId(), "error", error,
                "charged", charged));
        if (event.userId() != null) {
            detail.put("user_id", event.userId().toString());
        }
        alerts.raise(AlertEvent.warning("ledger_dead_letter", "a usage event could not be written to the ledger", detail));
    }

    private boolean charge(UsageEvent event) {
        if (!LedgerRoutes.needsSettlement(event)) {
            return true;
        }
        try {
            wallets.settleAll(List.of(LedgerRoutes.settlement(event)));
            return true;
        } catch (RuntimeException e) {
            LOG.warn("dead-lettered usage event {} could not be charged: {}", event.requestId(), LedgerFailures.describe(e));
            return false;
        }
    }

    public Optional<DeadLetter> find(long id) {
        return jdbc.query("select id, request_id, event, replayed_at from ledger_dead_letters where id = ?",
                (rs, n) -> new DeadLetter(rs.getLong("id"), rs.getString("request_id"), fromJson(rs.getString("event")),
                        rs.getTimestamp("replayed_at") != null), id).stream().findFirst();
    }

    public void markReplayed(long id) {
        jdbc.update("update ledger_dead_letters set replayed_at = now() where id = ? and replayed_at is null", id);
    }

    static String toJson(UsageEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a usage event could not be written as JSON", e);
        }
    }

    static UsageEvent fromJson(String json) {
        try {
            return JSON.readValue(json, UsageEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a dead letter's event could not be read", e);
        }
    }
}
