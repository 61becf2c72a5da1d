package dev.caravan.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.ApiKey;
import dev.caravan.account.KeyCacheSync;
import dev.caravan.account.KeyService;
import dev.caravan.account.KeyStore;
import dev.caravan.account.UserStore;
import dev.caravan.admin.http.ApiReply;
import dev.caravan.admin.http.ApiRequest;
import dev.caravan.admin.http.JsonFields;
import dev.caravan.admin.http.JsonOut;
import dev.caravan.billing.WalletService;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Users through the admin API. A user is never deleted: the ledger and transactions refer to it, so
 * "delete" disables the account and revokes every key it has, which stops it at once.
 */
@Component
public class UserAdmin {

    private static final Set<String> CREATE_FIELDS = Set.of("email", "name", "rate_limit_rpm", "rate_limit_tpm");
    private static final Set<String> UPDATE_FIELDS = Set.of("email", "name", "disabled", "rate_limit_rpm",
            "rate_limit_tpm");
    private static final int NAME_MAX = 200;
    private static final int EMAIL_MAX = 254;

    private final UserStore users;
    private final KeyStore keys;
    private final KeyService keyService;
    private final WalletService wallets;
    private final KeyCacheSync keyCaches;
    private final AdminLookups lookups;
    private final AdminAudit audit;
    private final TransactionTemplate transactions;

    public UserAdmin(UserStore users, KeyStore keys, KeyService keyService, WalletService wallets,
            KeyCacheSync keyCaches, AdminLookups lookups, AdminAudit audit, TransactionTemplate transactions) {
        this.users = users;
        this.keys = keys;
        this.keyService = keyService;
        this.wallets = wallets;
        this.keyCaches = keyCaches;
        this.lookups = lookups;
        this.audit = audit;
        this.transactions = transactions;
    }

    /** {@code POST /admin/users}: a user with an empty wallet. */
    public ApiReply create(ApiRequest request) {
        ObjectNode body = request.body();
        JsonFields.rejectUnknown(body, CREATE_FIELDS);
        String name = JsonFields.requiredText(body, "name", NAME_MAX);
        String email = email(body);
        Integer rpm = JsonFields.optionalPositiveInt(body, "rate_limit_rpm");
        Integer tpm = JsonFields.optionalPositiveInt(body, "rate_limit_tpm");
        UserStore.User user;
        try {
            user = transactions.execute(status -> {
                UserStore.User created = users.create(email, name);
                if (rpm != null || tpm != null) {
                    users.rateLimits(created.id(), rpm, tpm);
                    created = users.find(created.id()).orElseThrow();
                }
                return created;
            });
        } catch (DuplicateKeyException e) {
            throw emailTaken(email);
        }
        audit.record(request, "user.create", user.id(), "name=" + name + (email == null ? "" : " email=" + email)
                + (rpm == null && tpm == null ? "" : " " + limits(rpm, tpm)));
        return ApiReply.created(withWallet(user));
    }

    /** {@code GET /admin/users?limit=&offset=}: oldest first. */
    public ApiReply list(ApiRequest request) {
        int limit = request.intQuery("limit", 100, 1, 1000);
        int offset = request.intQuery("offset", 0, 0, Integer.MAX_VALUE);
        List<ObjectNode> data = new ArrayList<>();
        users.list(limit + 1, offset).forEach(user -> data.add(AdminViews.user(user)));
        return ApiReply.ok(JsonOut.page(data, limit));
    }

    /** {@code GET /admin/users/{id}}: the user and its wallet. */
    public ApiReply get(ApiRequest request) {
        return ApiReply.ok(withWallet(lookups.user(request)));
    }

    /** {@code PATCH /admin/users/{id}}: email, name, disabled, rate limits (null clears one). */
    public ApiReply update(ApiRequest request) {
        UserStore.User user = lookups.user(request);
        ObjectNode body = request.body();
        JsonFields.rejectUnknown(body, UPDATE_FIELDS);
        if (body.isEmpty()) {
            throw ApiException.invalid("Nothing to update: set at least one of email, name, disabled, rate_limit_rpm, "
                    + "rate_limit_tpm.", null, "empty_update");
        }
        String email = null;
        if (body.has("email")) {
            email = email(body);
            if (email == null) {
                throw ApiException.invalid("Invalid 'email': an email cannot be removed, only changed.", "email", "invalid_value");
            }
        }
        String name = body.has("name") ? JsonFields.requiredText(body, "name", NAME_MAX) : null;
        Boolean disabled = JsonFields.optionalBoolean(body, "disabled");
        if (body.has("disabled") && disabled == null) {
            throw ApiException.invalid("Invalid type for 'disabled': expected a boolean, but got null instead.",
                    "disabled", "invalid_type");
        }
        if (Boolean.TRUE.equals(disabled)) {
            refuseSelf(request, user.id());
        }
        Integer rpm = body.has("rate_limit_rpm") ? JsonFields.optionalPositiveInt(body, "rate_limit_rpm")
                : user.rateLimitRpm();
        Integer tpm = body.has("rate_limit_tpm") ? JsonFields.optionalPositiveInt(body, "rate_limit_tpm")
                : user.rateLimitTpm();
        boolean limitsChanged = body.has("rate_limit_rpm") || body.has("rate_limit_tpm");
        String finalEmail = email;
        try {
            transactions.executeWithoutResult(status -> {
                users.update(user.id(), finalEmail, name, disabled);
                if (limitsChanged) {
                    users.rateLimits(user.id(), rpm, tpm);
                }
            });
        } catch (DuplicateKeyException e) {
            throw emailTaken(email);
        }
        // the disabled flag and the user's rate limits are part of what the authenticator caches with each key
        keyCaches.keysChanged();
        String changes = changes(email, name, disabled);
        audit.record(request, "user.update", user.id(),
                limitsChanged ? (changes + " " + limits(rpm, tpm)).trim() : changes);
        return ApiReply.ok(withWallet(users.find(user.id()).orElseThrow()));
    }

    /** {@code DELETE /admin/users/{id}}: disables the user and revokes all its keys, in one transaction. */
    public ApiReply delete(ApiRequest request) {
        UserStore.User user = lookups.user(request);
        refuseSelf(request, user.id());
        Integer revoked = transactions.execute(status -> {
            users.update(user.id(), null, null, true);
            int count = 0;
            for (ApiKey key : keys.forUser(user.id())) {
                if (!key.revoked() && keyService.revoke(key.id())) {
                    count++;
                }
            }
            return count;
        });
        keyCaches.keysChanged();
        audit.record(request, "user.delete", user.id(), "disabled; revoked " + revoked + " keys");
        ObjectNode view = withWallet(users.find(user.id()).orElseThrow());
        view.put("revoked_keys", revoked);
        return ApiReply.ok(view);
    }

    private ObjectNode withWallet(UserStore.User user) {
        ObjectNode view = AdminViews.user(user);
        view.set("wallet", AdminViews.wallet(wallets.balance(user.id())));
        return view;
    }

    /** An admin disabling its own account would lock itself out of the admin API. */
    private static void refuseSelf(ApiRequest request, UUID target) {
        if (target.equals(request.caller().userId())) {
            throw ApiException.invalid("You cannot disable the account of the admin key making this request.", "id",
                    "cannot_disable_own_account");
        }
    }

    private static String email(ObjectNode body) {
        String email = JsonFields.optionalText(body, "email", EMAIL_MAX);
        if (email != null && (!email.contains("@") || email.startsWith("@") || email.endsWith("@")
                || email.chars().anyMatch(Character::isWhitespace))) {
            throw ApiException.invalid("Invalid 'email': '" + email + "' is not an email address.", "email", "invalid_value");
        }
        return email;
    }

    private static ApiException emailTaken(String email) {
        return new ApiException(new OpenAiError(409, "A user with the email " + email + " already exists.",
                OpenAiError.INVALID_REQUEST, "email", "email_taken"));
    }

    private static String limits(Integer rpm, Integer tpm) {
        return "rate_limit_rpm=" + rpm + " rate_limit_tpm=" + tpm;
    }

    private static String changes(String email, String name, Boolean disabled) {
        StringBuilder detail = new StringBuilder();
        if (email != null) {
            detail.append("email=").append(email).append(' ');
        }
        if (name != null) {
            detail.append("name=").append(name).append(' ');
        }
        if (disabled != null) {
            detail.append("disabled=").append(disabled);
        }
        return detail.toString().trim();
    }
}
