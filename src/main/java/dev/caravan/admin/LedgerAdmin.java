package dev.caravan.admin;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.admin.http.JsonRows;
import dev.caravan.ledger.DeadLetters;
import dev.caravan.ledger.LedgerFailures;
import dev.caravan.ledger.Reconciliation;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The ledger's health, for admins: the reconciliation of every wallet against its top-ups and ledger charges,
 * and the dead letters (usage events the ledger refused), each of which can be replayed into the ledger.
 */
@Component
public class LedgerAdmin {

    private final Reconciliation reconciliation;
    private final DeadLetters deadLetters;
    private final ProducerTemplate producer;
    private final AdminAudit audit;
    private final JdbcTemplate jdbc;

    public LedgerAdmin(Reconciliation reconciliation, DeadLetters deadLetters, ProducerTemplate producer,
            AdminAudit audit, JdbcTemplate jdbc) {
        this.reconciliation = reconciliation;
        this.deadLetters = deadLetters;
        this.producer = producer;
        this.audit = audit;
        this.jdbc = jdbc;
    }

    /** {@code GET /admin/reconciliation}: every wallet whose balance, holds or charges do not add up. */
    public ApiReply reconcile(ApiRequest request) {
        Reconciliation.Report report = reconciliation.run();
        ObjectNode body = JsonOut.object("reconciliation");
        body.put("ok", report.ok());
        body.put("wallets_checked", report.walletsChecked());
        ArrayNode differences = body.putArray("differences");
        for (Reconciliation.Difference d : report.differences()) {
            ObjectNode row = differences.addObject();
            row.put("user_id", d.userId().toString());
            row.put("balance", JsonOut.money(d.balance()));
            row.put("expected_balance", JsonOut.money(d.expectedBalance()));
            row.put("reserved", JsonOut.money(d.reserved()));
            row.put("held", JsonOut.money(d.held()));
            row.put("charged_without_record", d.chargedWithoutRecord());
            row.put("recorded_without_charge", d.recordedWithoutCharge());
            row.put("charged_other_than_recorded", d.chargedOtherThanRecorded());
        }
        return ApiReply.ok(body);
    }

    /** {@code GET /admin/ledger/dead-letters?all=&limit=&offset=}: open ones (all: replayed too), oldest first. */
    public ApiReply deadLetters(ApiRequest request) {
        int limit = request.intQuery("limit", 100, 1, 1000);
        int offset = request.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        boolean all = "true".equalsIgnoreCase(request.query("all"));
        List<ObjectNode> rows = jdbc.query("select id, request_id, user_id, key_id, cost, charged, error, event, created_at, "
                + "replayed_at from ledger_dead_letters" + (all ? "" : " where replayed_at is null")
                + " order by id limit ? offset ?", JsonRows.mapper("ledger.dead_letter"), limit + 1, offset);
        return ApiReply.ok(JsonOut.page(rows, limit));
    }

    /**
     * {@code POST /admin/ledger/dead-letters/{id}/replay}: writes the event into the ledger and settles it, as the
     * ledger route would (both idempotent: a charge already made is not made again). 409 while the ledger still
     * refuses it.
     */
    public ApiReply replay(ApiRequest request) {
        long id = request.pathNumber("id", "dead_letter_not_found", "dead letter");
        DeadLetters.DeadLetter letter = deadLetters.find(id)
                .orElseThrow(() -> ApiRequest.notFound("dead_letter_not_found", "dead letter", id));
        if (!letter.replayed()) {
            try {
                producer.requestBody("direct:ledger-write", List.of(letter.event()));
            } catch (CamelExecutionException e) {
                throw new ApiException(new OpenAiError(409, "The ledger still refuses this event: "
                        + LedgerFailures.describe(e.getCause()), OpenAiError.INVALID_REQUEST, "id", "dead_letter_refused"));
            }
            deadLetters.markReplayed(id);
            audit.record(request, "ledger.dead_letter.replayed", letter.requestId(), null);
        }
        ObjectNode body = JsonOut.object("ledger.dead_letter");
        body.put("id", id);
        body.put("request_id", letter.requestId());
        body.put("replayed", true);
        return ApiReply.ok(body);
    }
}
