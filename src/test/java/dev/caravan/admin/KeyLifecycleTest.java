package dev.caravan.admin;

import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.account.Authenticator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A key's life through the admin API, checked by using the key on {@code GET /v1/balance}: create, use,
 * rotate, revoke, expire, IP allowlist, scopes.
 */
class KeyLifecycleTest extends AccountsTestSupport {

    private static final String ESTIMATE = "{\"model\":\"%s\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    Authenticator authenticator;

    @Test
    void createdKeyAuthenticatesAndIsShownOnlyOnce() {
        String user = createUser("Lifecycle Create");
        JsonNode created = createKey(user, "{\"name\":\"laptop\"}");
        String secret = created.get("key").asText();
        assertThat(secret).startsWith("cvn_live_");
        assertThat(created.get("prefix").asText()).isEqualTo(secret.substring(0, 13));
        assertThat(created.get("status").asText()).isEqualTo("active");

        HttpResponse<String> balance = call("GET", "/v1/balance", secret, null);
        assertThat(balance.statusCode()).isEqualTo(200);
        assertThat(json(balance.body()).get("user_id").asText()).isEqualTo(user);

        // neither the secret nor its hash is ever listed again
        HttpResponse<String> listed = admin("GET", "/admin/users/" + user + "/keys", null);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).doesNotContain(secret).doesNotContain("key_hash").doesNotContain("\"key\"");
        HttpResponse<String> one = admin("GET", "/admin/keys/" + created.get("id").asText(), null);
        assertThat(one.body()).doesNotContain(secret).doesNotContain("\"key\"");
        assertThat(json(one.body()).get("name").asText()).isEqualTo("laptop");
    }

    @Test
    void testKeysHaveTheTestPrefix() {
        String user = createUser("Lifecycle Test Key");
        String secret = createKey(user, "{\"name\":\"ci\",\"test\":true}").get("key").asText();
        assertThat(secret).startsWith("cvn_test_");
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);
    }

    @Test
    void rotationGivesANewWorkingKeyWithTheSameSettingsAndRevokesTheOld() {
        String user = createUser("Lifecycle Rotate");
        JsonNode old = createKey(user, "{\"name\":\"server\",\"scopes\":[\"demo\"],\"daily_budget\":2.5}");
        String oldSecret = old.get("key").asText();
        assertThat(call("GET", "/v1/balance", oldSecret, null).statusCode()).isEqualTo(200);

        HttpResponse<String> rotated = admin("POST", "/admin/keys/" + old.get("id").asText() + "/rotate", null);
        assertThat(rotated.statusCode()).as(rotated.body()).isEqualTo(201);
        JsonNode fresh = json(rotated.body());
        String newSecret = fresh.get("key").asText();
        assertThat(newSecret).isNotEqualTo(oldSecret);
        assertThat(fresh.get("rotated_from").asText()).isEqualTo(old.get("id").asText());
        assertThat(fresh.get("name").asText()).isEqualTo("server");
        assertThat(fresh.get("scopes").toString()).isEqualTo("[\"demo\"]");
        assertThat(fresh.get("daily_budget").decimalValue()).isEqualByComparingTo("2.5");

        assertThat(call("GET", "/v1/balance", newSecret, null).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call("GET", "/v1/balance", oldSecret, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(code(refused)).isEqualTo("key_revoked");
        assertThat(error(refused).get("type").asText()).isEqualTo("authentication_error");

        HttpResponse<String> again = admin("POST", "/admin/keys/" + old.get("id").asText() + "/rotate", null);
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(code(again)).isEqualTo("key_revoked");
    }

    @Test
    void revokedKeyIsRefusedAtOnce() {
        String user = createUser("Lifecycle Revoke");
        JsonNode key = createKey(user, "{\"name\":\"temp\"}");
        String secret = key.get("key").asText();
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = admin("POST", "/admin/keys/" + key.get("id").asText() + "/revoke", null);
        assertThat(revoked.statusCode()).isEqualTo(200);
        assertThat(json(revoked.body()).get("status").asText()).isEqualTo("revoked");
        assertThat(json(revoked.body()).get("revoked_at").asText()).isNotEmpty();

        HttpResponse<String> refused = call("GET", "/v1/balance", secret, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(code(refused)).isEqualTo("key_revoked");
        // revoking twice is harmless
        assertThat(admin("POST", "/admin/keys/" + key.get("id").asText() + "/revoke", null).statusCode()).isEqualTo(200);
    }

    @Test
    void expiryInThePastIsRefusedAtCreation() {
        String user = createUser("Lifecycle Past Expiry");
        HttpResponse<String> response = admin("POST", "/admin/users/" + user + "/keys",
                "{\"name\":\"late\",\"expires_at\":\"" + Instant.now().minus(1, ChronoUnit.MINUTES) + "\"}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo("expires_at");
    }

    @Test
    void keyWhoseExpiryPassesIsRefusedAsExpired() {
        String user = createUser("Lifecycle Expiry");
        JsonNode key = createKey(user, "{\"name\":\"short\",\"expires_at\":\"" + Instant.now().plus(1, ChronoUnit.HOURS) + "\"}");
        String secret = key.get("key").asText();
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);

        // the hour passes: move the expiry into the past, and let the cached lookup lapse as its TTL would
        jdbc.update("update api_keys set expires_at = now() - interval '1 second' where id = ?::uuid", key.get("id").asText());
        authenticator.forgetAll();

        HttpResponse<String> refused = call("GET", "/v1/balance", secret, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(code(refused)).isEqualTo("key_expired");
        assertThat(json(admin("GET", "/admin/keys/" + key.get("id").asText(), null).body()).get("status").asText())
                .isEqualTo("expired");
    }

    @Test
    void patchedExpiryAppliesAtOnce() {
        String user = createUser("Lifecycle Patch Expiry");
        JsonNode key = createKey(user, "{\"name\":\"patched\"}");
        String secret = key.get("key").asText();
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);

        Instant later = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        HttpResponse<String> patched = admin("PATCH", "/admin/keys/" + key.get("id").asText(),
                "{\"expires_at\":\"" + later + "\",\"name\":\"renamed\",\"rate_limit_rpm\":60}");
        assertThat(patched.statusCode()).as(patched.body()).isEqualTo(200);
        assertThat(json(patched.body()).get("expires_at").asText()).isEqualTo(later.toString());
        assertThat(json(patched.body()).get("name").asText()).isEqualTo("renamed");
        assertThat(json(patched.body()).get("rate_limit_rpm").asInt()).isEqualTo(60);

        HttpResponse<String> past = admin("PATCH", "/admin/keys/" + key.get("id").asText(),
                "{\"expires_at\":\"2020-01-01T00:00:00Z\"}");
        assertThat(past.statusCode()).isEqualTo(400);
        assertThat(error(past).get("param").asText()).isEqualTo("expires_at");
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);
    }

    @Test
    void ipAllowlistIsEnforced() {
        String user = createUser("Lifecycle IP");
        String elsewhere = createKey(user, "{\"name\":\"office\",\"ip_allowlist\":[\"10.0.0.0/8\"]}").get("key").asText();
        String loopback = createKey(user, "{\"name\":\"local\",\"ip_allowlist\":[\"127.0.0.1/32\"]}").get("key").asText();

        HttpResponse<String> refused = call("GET", "/v1/balance", elsewhere, null);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(code(refused)).isEqualTo("ip_not_allowed");
        assertThat(error(refused).get("type").asText()).isEqualTo("permission_error");

        assertThat(call("GET", "/v1/balance", loopback, null).statusCode()).isEqualTo(200);
    }

    @Test
    void ipAllowlistChangesApplyAtOnce() {
        String user = createUser("Lifecycle IP Patch");
        JsonNode key = createKey(user, "{\"name\":\"moving\"}");
        String secret = key.get("key").asText();
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);

        admin("PATCH", "/admin/keys/" + key.get("id").asText(), "{\"ip_allowlist\":[\"10.0.0.0/8\"]}");
        assertThat(code(call("GET", "/v1/balance", secret, null))).isEqualTo("ip_not_allowed");

        admin("PATCH", "/admin/keys/" + key.get("id").asText(), "{\"ip_allowlist\":null}");
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);
    }

    @Test
    void scopesLimitTheModelsAKeyMayUse() {
        String user = createUser("Lifecycle Scopes");
        String secret = createKey(user, "{\"name\":\"demo only\",\"scopes\":[\"demo\"]}").get("key").asText();

        HttpResponse<String> allowed = call("POST", "/v1/chat/estimate", secret, ESTIMATE.formatted("demo"));
        assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);

        HttpResponse<String> refused = call("POST", "/v1/chat/estimate", secret, ESTIMATE.formatted("stub-a/model-a"));
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(code(refused)).isEqualTo("model_not_allowed");
        assertThat(error(refused).get("type").asText()).isEqualTo("permission_error");

        // a key without scopes may use every model
        String open = newKey(user);
        assertThat(call("POST", "/v1/chat/estimate", open, ESTIMATE.formatted("stub-a/model-a")).statusCode()).isEqualTo(200);
    }

    @Test
    void disabledUsersKeysStopWorking() {
        String user = createUser("Lifecycle Disabled");
        String secret = newKey(user);
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);

        assertThat(admin("PATCH", "/admin/users/" + user, "{\"disabled\":true}").statusCode()).isEqualTo(200);
        HttpResponse<String> refused = call("GET", "/v1/balance", secret, null);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(code(refused)).isEqualTo("account_disabled");

        assertThat(admin("PATCH", "/admin/users/" + user, "{\"disabled\":false}").statusCode()).isEqualTo(200);
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);
    }

    @Test
    void missingAndUnknownKeysAre401() {
        HttpResponse<String> missing = call("GET", "/v1/balance", null, null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(code(missing)).isEqualTo("missing_api_key");

        HttpResponse<String> unknown = call("GET", "/v1/balance", "cvn_live_ThisKeyDoesNotExist0123456789abcdef", null);
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(code(unknown)).isEqualTo("invalid_api_key");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"scopes\":[\"demo\"]}                                   | name",
        "{\"name\":\"\"}                                            | name",
        "{\"name\":\"k\",\"ip_allowlist\":[\"10.0.0.0/33\"]}        | ip_allowlist[0]",
        "{\"name\":\"k\",\"ip_allowlist\":[\"127.0.0.1/32\",\"example.com\"]} | ip_allowlist[1]",
        "{\"name\":\"k\",\"ip_allowlist\":\"10.0.0.0/8\"}           | ip_allowlist",
        "{\"name\":\"k\",\"daily_budget\":-1}                      | daily_budget",
        "{\"name\":\"k\",\"monthly_budget\":\"lots\"}              | monthly_budget",
        "{\"name\":\"k\",\"daily_budget\":0.000000001}             | daily_budget",
        "{\"name\":\"k\",\"expires_at\":\"tomorrow\"}              | expires_at",
        "{\"name\":\"k\",\"rate_limit_rpm\":0}                     | rate_limit_rpm",
        "{\"name\":\"k\",\"rate_limit_tpm\":1.5}                   | rate_limit_tpm",
        "{\"name\":\"k\",\"scopes\":[\"two words\"]}               | scopes[0]",
        "{\"name\":\"k\",\"allowed_referrers\":[\"http://x.com/\"]} | allowed_referrers[0]",
        "{\"name\":\"k\",\"admin\":\"yes\"}                        | admin",
        "{\"name\":\"k\",\"dailyBudget\":5}                        | dailyBudget",
    })
    void invalidKeySettingsAre400NamingTheField(String body, String param) {
        String user = createUser("Lifecycle Invalid");
        HttpResponse<String> response = admin("POST", "/admin/users/" + user + "/keys", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response).get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error(response).get("param").asText()).isEqualTo(param);
    }

    @Test
    void budgetsAndLimitsAreStoredExactly() {
        String user = createUser("Lifecycle Settings");
        JsonNode key = createKey(user, "{\"name\":\"full\",\"daily_budget\":1.23456789,\"monthly_budget\":\"100\","
                + "\"rate_limit_rpm\":30,\"rate_limit_tpm\":40000,\"allowed_referrers\":[\"App.Example.com\",\"*.example.org\"],"
                + "\"ip_allowlist\":[\"127.0.0.1/32\",\"::1\"]}");
        assertThat(key.get("daily_budget").toString()).isEqualTo("1.23456789");
        assertThat(key.get("monthly_budget").toString()).isEqualTo("100");
        assertThat(key.get("rate_limit_tpm").asInt()).isEqualTo(40000);
        assertThat(key.get("allowed_referrers").toString()).isEqualTo("[\"app.example.com\",\"*.example.org\"]");
        JsonNode stored = json(admin("GET", "/admin/keys/" + key.get("id").asText(), null).body());
        assertThat(stored.get("daily_budget").toString()).isEqualTo("1.23456789");
        assertThat(stored.get("ip_allowlist").toString()).isEqualTo("[\"127.0.0.1/32\",\"::1\"]");
    }

    @Test
    void testAndAdminFlagsCannotBePatched() {
        String user = createUser("Lifecycle Immutable");
        JsonNode key = createKey(user, "{\"name\":\"fixed\"}");
        HttpResponse<String> response = admin("PATCH", "/admin/keys/" + key.get("id").asText(), "{\"admin\":true}");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo("admin");
    }

    @Test
    void unknownKeysAre404() {
        HttpResponse<String> unknown = admin("GET", "/admin/keys/00000000-0000-0000-0000-000000000000", null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(code(unknown)).isEqualTo("key_not_found");
        assertThat(code(admin("POST", "/admin/keys/not-a-uuid/revoke", null))).isEqualTo("key_not_found");
        assertThat(code(admin("PATCH", "/admin/keys/00000000-0000-0000-0000-000000000000", "{\"name\":\"x\"}")))
                .isEqualTo("key_not_found");
    }
}
