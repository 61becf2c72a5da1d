package dev.caravan.admin;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.admin.http.JsonRows;
import dev.caravan.openai.ApiException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What happened, for admins: the usage ledger (one row per model call) and the audit log, newest first.
 * Read-only, straight from the tables, filtered in SQL.
 */
@Component
public class ActivityAdmin {

    private static final String USAGE_COLUMNS = "request_id, client_request_id, user_id, key_id, operation, profile, provider, model, "
            + "requested_model, prompt_tokens, completion_tokens, cached_tokens, cost, estimated, cached, status, outcome, "
            + "latency_ms, ttft_ms, attempts, created_at";

    private final JdbcTemplate jdbc;

    public ActivityAdmin(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * {@code GET /admin/usage?user_id=&key_id=&request_id=&from=&to=&limit=&offset=}: {@code from} inclusive,
     * {@code to} exclusive; {@code request_id} finds a call by Caravan's id or by the client's own.
     */
    public ApiReply usage(ApiRequest request) {
        UUID userId = request.uuidQuery("user_id");
        UUID keyId = request.uuidQuery("key_id");
        String requestId = request.query("request_id");
        Instant from = request.instantQuery("from");
        Instant to = request.instantQuery("to");
        int limit = request.intQuery("limit", 100, 1, 1000);
        int offset = request.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        if (from != null && to != null && !from.isBefore(to)) {
            throw ApiException.invalid("Invalid 'to': it must be later than 'from'.", "to", "invalid_value");
        }
        StringBuilder sql = new StringBuilder("select " + USAGE_COLUMNS + " from usage_ledger where true");
        List<Object> args = new ArrayList<>();
        if (userId != null) {
            sql.append(" and user_id = ?");
            args.add(userId);
        }
        if (keyId != null) {
            sql.append(" and key_id = ?");
            args.add(keyId);
        }
        if (requestId != null && !requestId.isBlank()) {
            sql.append(" and (request_id = ? or client_request_id = ?)");
            args.add(requestId);
            args.add(requestId);
        }
        if (from != null) {
            sql.append(" and created_at >= ?");
            args.add(from.atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            sql.append(" and created_at < ?");
            args.add(to.atOffset(ZoneOffset.UTC));
        }
        sql.append(" order by created_at desc, request_id desc limit ? offset ?");
        args.add(limit + 1);
        args.add(offset);
        List<ObjectNode> rows = jdbc.query(sql.toString(), JsonRows.mapper("usage.record"), args.toArray());
        return ApiReply.ok(JsonOut.page(rows, limit));
    }

    /** {@code GET /admin/audit?limit=&offset=&action=}: newest first. */
    public ApiReply audit(ApiRequest request) {
        int limit = request.intQuery("limit", 100, 1, 1000);
        int offset = request.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        String action = request.query("action");
        String sql = "select id, at, actor, action, target, detail, ip from audit_log"
                + (action == null ? "" : " where action = ?") + " order by id desc limit ? offset ?";
        Object[] args = action == null ? new Object[] {limit + 1, offset} : new Object[] {action, limit + 1, offset};
        return ApiReply.ok(JsonOut.page(jdbc.query(sql, JsonRows.mapper("audit.entry"), args), limit));
    }
}
