package dev.caravan.admin;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.UserStore;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonFields;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.admin.http.JsonRows;
import dev.caravan.billing.WalletService;
import dev.caravan.openai.ApiException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Credits through the admin API. Every change of a balance is a wallet transaction with its reason and the
 * admin key that made it: a top-up adds money, an adjustment corrects in either direction (it may leave a
 * balance below zero, which then blocks calls until topped up).
 */
@Component
public class CreditAdmin {

    private static final Set<String> FIELDS = Set.of("amount", "kind", "reason");
    private static final Set<String> KINDS = Set.of("topup", "adjustment");

    private final WalletService wallets;
    private final JdbcTemplate jdbc;
    private final AdminLookups lookups;
    private final AdminAudit audit;

    public CreditAdmin(WalletService wallets, JdbcTemplate jdbc, AdminLookups lookups, AdminAudit audit) {
        this.wallets = wallets;
        this.jdbc = jdbc;
        this.lookups = lookups;
        this.audit = audit;
    }

    /** {@code POST /admin/users/{id}/credits}: answers with the new balance. */
    public ApiReply credit(ApiRequest request) {
        UserStore.User user = lookups.user(request);
        ObjectNode body = request.body();
        JsonFields.rejectUnknown(body, FIELDS);
        String kind = JsonFields.requiredText(body, "kind", 20);
        if (!KINDS.contains(kind)) {
            throw ApiException.invalid("Invalid value: '" + kind + "'. Supported values are: 'topup' and 'adjustment'.",
                    "kind", "invalid_value");
        }
        BigDecimal amount = JsonFields.optionalMoney(body, "amount");
        if (amount == null) {
            throw ApiException.invalid("Missing required parameter: 'amount'.", "amount", "missing_required_parameter");
        }
        if (kind.equals("topup") && amount.signum() <= 0) {
            throw ApiException.invalid("Invalid 'amount': a top-up must be greater than 0; use an adjustment to take "
                    + "credits away.", "amount", "invalid_value");
        }
        if (amount.signum() == 0) {
            throw ApiException.invalid("Invalid 'amount': an adjustment must not be 0.", "amount", "invalid_value");
        }
        String reason = JsonFields.requiredText(body, "reason", 1000);
        String actor = request.caller().label();
        WalletService.Balance balance = wallets.credit(user.id(), amount, kind, reason, actor);
        audit.record(request, "credits." + kind, user.id(), "amount=" + amount.toPlainString() + " reason=" + reason);
        ObjectNode reply = AdminViews.wallet(balance);
        ObjectNode transaction = reply.putObject("transaction");
        transaction.put("kind", kind);
        JsonOut.putMoney(transaction, "amount", amount);
        transaction.put("reason", reason);
        transaction.put("actor", actor);
        return ApiReply.ok(reply);
    }

    /** {@code GET /admin/users/{id}/transactions?limit=&offset=}: newest first. */
    public ApiReply transactions(ApiRequest request) {
        UserStore.User user = lookups.user(request);
        int limit = request.intQuery("limit", 100, 1, 1000);
        int offset = request.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        List<ObjectNode> rows = jdbc.query("select id, user_id, amount, kind, reason, request_id, actor, created_at "
                + "from wallet_transactions where user_id = ? order by created_at desc, id desc limit ? offset ?",
                JsonRows.mapper("wallet.transaction"), user.id(), limit + 1, offset);
        return ApiReply.ok(JsonOut.page(rows, limit));
    }
}
