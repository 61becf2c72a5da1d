package dev.caravan.admin;

import dev.caravan.account.AuditLog;
import dev.caravan.admin.http.ApiRequest;
import org.springframework.stereotype.Component;

/**
 * Writes an admin action to the audit log as the calling admin key (its visible prefix) from the caller's
 * address. Callers pass details that carry no secret: keys appear by prefix only.
 */
@Component
class AdminAudit {

    private final AuditLog audit;

    AdminAudit(AuditLog audit) {
        this.audit = audit;
    }

    void record(ApiRequest request, String action, Object target, String detail) {
        audit.record(request.caller().label(), action, target == null ? null : target.toString(), detail, request.ip());
    }
}
