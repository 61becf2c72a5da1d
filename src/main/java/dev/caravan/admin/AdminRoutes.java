package dev.caravan.admin;

import dev.caravan.admin.http.Access;
import dev.caravan.admin.http.AccountRoutes;
import dev.caravan.admin.http.CallerAuthentication;
import dev.caravan.api.ErrorResponder;
import org.springframework.stereotype.Component;

/**
 * The admin API under {@code /admin}: users, their keys and credits, the usage ledger and the audit log.
 * Every endpoint needs an admin key; each one is its own route, so Camel's route metrics show which admin
 * operations are used and how they fail.
 */
@Component
public class AdminRoutes extends AccountRoutes {

    private final UserAdmin users;
    private final KeyAdmin keys;
    private final CreditAdmin credits;
    private final ActivityAdmin activity;
    private final LedgerAdmin ledger;

    public AdminRoutes(ErrorResponder errors, CallerAuthentication authentication, UserAdmin users, KeyAdmin keys,
            CreditAdmin credits, ActivityAdmin activity, LedgerAdmin ledger) {
        super(errors, authentication);
        this.users = users;
        this.keys = keys;
        this.credits = credits;
        this.activity = activity;
        this.ledger = ledger;
    }

    @Override
    protected void endpoints() {
        endpoint("POST", "/admin/users", "admin-user-create", Access.ADMIN, users::create);
        endpoint("GET", "/admin/users", "admin-user-list", Access.ADMIN, users::list);
        endpoint("GET", "/admin/users/{id}", "admin-user-get", Access.ADMIN, users::get);
        endpoint("PATCH", "/admin/users/{id}", "admin-user-update", Access.ADMIN, users::update);
        endpoint("DELETE", "/admin/users/{id}", "admin-user-delete", Access.ADMIN, users::delete);

        endpoint("POST", "/admin/users/{id}/keys", "admin-key-create", Access.ADMIN, keys::create);
        endpoint("GET", "/admin/users/{id}/keys", "admin-key-list", Access.ADMIN, keys::list);
        endpoint("GET", "/admin/keys/{id}", "admin-key-get", Access.ADMIN, keys::get);
        endpoint("PATCH", "/admin/keys/{id}", "admin-key-update", Access.ADMIN, keys::update);
        endpoint("POST", "/admin/keys/{id}/rotate", "admin-key-rotate", Access.ADMIN, keys::rotate);
        endpoint("POST", "/admin/keys/{id}/revoke", "admin-key-revoke", Access.ADMIN, keys::revoke);

        endpoint("POST", "/admin/users/{id}/credits", "admin-credits", Access.ADMIN, credits::credit);
        endpoint("GET", "/admin/users/{id}/transactions", "admin-transactions", Access.ADMIN, credits::transactions);

        endpoint("GET", "/admin/usage", "admin-usage", Access.ADMIN, activity::usage);
        endpoint("GET", "/admin/audit", "admin-audit", Access.ADMIN, activity::audit);

        endpoint("GET", "/admin/reconciliation", "admin-reconciliation", Access.ADMIN, ledger::reconcile);
        endpoint("GET", "/admin/ledger/dead-letters", "admin-dead-letters", Access.ADMIN, ledger::deadLetters);
        endpoint("POST", "/admin/ledger/dead-letters/{id}/replay", "admin-dead-letter-replay", Access.ADMIN, ledger::replay);
    }
}
