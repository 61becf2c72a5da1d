package dev.caravan.admin;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.ApiKey;
import dev.caravan.account.KeyService;
import dev.caravan.account.KeyStore;
import dev.caravan.account.UserStore;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonFields;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import org.springframework.stereotype.Component;

/**
 * API keys through the admin API. The secret of a key appears in exactly two responses, the one that creates
 * it and the one that rotates it; everything else shows keys by prefix and settings. Changes go through
 * {@link KeyService}, which drops this replica's cached lookups so they apply to the next request.
 */
@Component
public class KeyAdmin {

    private final KeyStore keys;
    private final KeyService keyService;
    private final AdminLookups lookups;
    private final AdminAudit audit;

    public KeyAdmin(KeyStore keys, KeyService keyService, AdminLookups lookups, AdminAudit audit) {
        this.keys = keys;
        this.keyService = keyService;
        this.lookups = lookups;
        this.audit = audit;
    }

    /** {@code POST /admin/users/{id}/keys}: a new key, its secret shown this once. */
    public ApiReply create(ApiRequest request) {
        UserStore.User user = lookups.user(request);
        if (user.disabled()) {
            throw conflict("The user " + user.id() + " is disabled; enable it before issuing keys.", "user_disabled");
        }
        ApiKey settings = KeySettings.forNewKey(request.body(), user.id());
        KeyService.Issued issued = keyService.issue(settings);
        audit.record(request, "key.create", issued.key().id(), "user=" + user.id() + " " + KeySettings.describe(issued.key()));
        return ApiReply.created(issuedView(issued));
    }

    /** {@code GET /admin/users/{id}/keys}: every key of the user, revoked ones included, oldest first. */
    public ApiReply list(ApiRequest request) {
        UserStore.User user = lookups.user(request);
        List<ObjectNode> data = keys.forUser(user.id()).stream()
                .map(AdminViews::key).toList();
        return ApiReply.ok(JsonOut.list(data));
    }

    /** {@code GET /admin/keys/{id}}. */
    public ApiReply get(ApiRequest request) {
        return ApiReply.ok(AdminViews.key(lookups.key(request)));
    }

    /** {@code PATCH /admin/keys/{id}}: settings; the secret stays the same. */
    public ApiReply update(ApiRequest request) {
        ApiKey key = lookups.key(request);
        refuseRevoked(key);
        ApiKey updated = KeySettings.updated(request.body(), key);
        keyService.update(updated);
        audit.record(request, "key.update", key.id(), KeySettings.describe(updated));
        return ApiReply.ok(AdminViews.key(keys.find(key.id()).orElseThrow()));
    }

    /** {@code POST /admin/keys/{id}/rotate}: a new secret with the same settings; the old key is revoked. */
    public ApiReply rotate(ApiRequest request) {
        ApiKey old = lookups.key(request);
        refuseRevoked(old);
        if (old.expired(Instant.now())) {
            throw conflict("The key " + old.id() + " has expired; set a new expires_at before rotating it.", "key_expired");
        }
        JsonFields.rejectUnknown(request.bodyOrEmpty(), Set.of());
        KeyService.Issued issued = keyService.rotate(old);
        audit.record(request, "key.rotate", old.id(), "old_prefix=" + old.prefix() + " new_key=" + issued.key().id()
                + " new_prefix=" + issued.key().prefix());
        return ApiReply.created(issuedView(issued));
    }

    /** A new key as stored (times at the database's precision), with its secret. */
    private ObjectNode issuedView(KeyService.Issued issued) {
        return AdminViews.issuedKey(keys.find(issued.key().id()).orElseThrow(), issued.secret());
    }

    /** {@code POST /admin/keys/{id}/revoke}: at once; revoking a revoked key changes nothing. */
    public ApiReply revoke(ApiRequest request) {
        ApiKey key = lookups.key(request);
        if (key.id().equals(request.caller().keyId())) {
            throw ApiException.invalid("You cannot revoke the admin key making this request; use another admin key.",
                    "id", "cannot_revoke_own_key");
        }
        JsonFields.rejectUnknown(request.bodyOrEmpty(), Set.of());
        boolean revoked = keyService.revoke(key.id());
        audit.record(request, "key.revoke", key.id(), "prefix=" + key.prefix() + (revoked ? "" : " (already revoked)"));
        return ApiReply.ok(AdminViews.key(keys.find(key.id()).orElseThrow()));
    }

    private static void refuseRevoked(ApiKey key) {
        if (key.revoked()) {
            throw conflict("The key " + key.id() + " is revoked; a revoked key cannot be changed or rotated.", "key_revoked");
        }
    }

    private static ApiException conflict(String message, String code) {
        return new ApiException(new OpenAiError(409, message, OpenAiError.INVALID_REQUEST, "id", code));
    }
}
