package dev.caravan.admin;

import dev.caravan.account.ApiKey;
import dev.caravan.account.KeyStore;
import dev.caravan.account.UserStore;
import dev.caravan.admin.http.ApiRequest;
import org.springframework.stereotype.Component;

/** Finds the user or key a path names, or answers 404 with {@code user_not_found} / {@code key_not_found}. */
@Component
class AdminLookups {

    private final UserStore users;
    private final KeyStore keys;

    AdminLookups(UserStore users, KeyStore keys) {
        this.users = users;
        this.keys = keys;
    }

    UserStore.User user(ApiRequest request) {
        var id = request.pathId("id", "user_not_found", "user");
        return users.find(id).orElseThrow(() -> ApiRequest.notFound("user_not_found", "user", id));
    }

    ApiKey key(ApiRequest request) {
        var id = request.pathId("id", "key_not_found", "API key");
        return keys.find(id).orElseThrow(() -> ApiRequest.notFound("key_not_found", "API key", id));
    }
}
