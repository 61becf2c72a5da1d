package dev.caravan.admin;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/** Admin actions and failed authentications are in the audit log, and no secret ever is. */
class AuditTest extends AccountsTestSupport {

    private static final String ADMIN_PREFIX = ADMIN_KEY.substring(0, 13);

    @Autowired
    JdbcTemplate jdbc;

    private JsonNode auditEntries() {
        HttpResponse<String> response = admin("GET", "/admin/audit?limit=1000", null);
        assertThat(response.statusCode()).isEqualTo(200);
        return json(response.body()).get("data");
    }

    private static JsonNode entry(JsonNode entries, String action, String target) {
        for (JsonNode entry : entries) {
            if (entry.get("action").asText().equals(action) && target.equals(entry.get("target").asText())) {
                return entry;
            }
        }
        throw new AssertionError("no audit entry " + action + " on " + target + " in " + entries);
    }

    @Test
    void adminActionsAreAuditedWithoutSecrets() {
        String user = createUser("Audit Actions");
        JsonNode key = createKey(user, "{\"name\":\"audited\",\"scopes\":[\"demo\"]}");
        String keyId = key.get("id").asText();
        String firstSecret = key.get("key").asText();
        admin("PATCH", "/admin/keys/" + keyId, "{\"name\":\"audited-renamed\"}");
        JsonNode rotated = json(admin("POST", "/admin/keys/" + keyId + "/rotate", null).body());
        String secondSecret = rotated.get("key").asText();
        admin("POST", "/admin/keys/" + rotated.get("id").asText() + "/revoke", null);
        admin("POST", "/admin/users/" + user + "/credits", "{\"amount\":3,\"kind\":\"topup\",\"reason\":\"welcome credit\"}");
        admin("POST", "/admin/users/" + user + "/credits", "{\"amount\":-1,\"kind\":\"adjustment\",\"reason\":\"correction\"}");
        admin("PATCH", "/admin/users/" + user, "{\"name\":\"Audit Renamed\"}");
        admin("DELETE", "/admin/users/" + user, null);

        JsonNode entries = auditEntries();
        JsonNode created = entry(entries, "user.create", user);
        assertThat(created.get("actor").asText()).isEqualTo(ADMIN_PREFIX);
        assertThat(created.get("ip").asText()).isEqualTo("127.0.0.1");
        assertThat(created.get("at").asText()).endsWith("Z");
        assertThat(entry(entries, "key.create", keyId).get("detail").asText()).contains(key.get("prefix").asText());
        entry(entries, "key.update", keyId);
        assertThat(entry(entries, "key.rotate", keyId).get("detail").asText()).contains(rotated.get("id").asText());
        entry(entries, "key.revoke", rotated.get("id").asText());
        assertThat(entry(entries, "credits.topup", user).get("detail").asText()).contains("welcome credit");
        assertThat(entry(entries, "credits.adjustment", user).get("detail").asText()).contains("-1");
        entry(entries, "user.update", user);
        entry(entries, "user.delete", user);

        assertNoSecretInAuditLog(firstSecret);
        assertNoSecretInAuditLog(secondSecret);
        assertNoSecretInAuditLog(ADMIN_KEY);
    }

    @Test
    void failedAuthenticationIsAuditedWithoutTheKey() {
        String bogus = "cvn_live_AuditBogusKey0123456789abcdefghijklmn";
        HttpResponse<String> refused = call("GET", "/v1/balance", bogus, null);
        assertThat(refused.statusCode()).isEqualTo(401);

        // failed authentications are written in the background
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> actors = auditEntries().findValuesAsText("actor");
            assertThat(actors).contains(bogus.substring(0, 13));
        });
        JsonNode failure = null;
        for (JsonNode entry : auditEntries()) {
            if (bogus.substring(0, 13).equals(entry.get("actor").asText())) {
                failure = entry;
            }
        }
        assertThat(failure.get("action").asText()).isEqualTo("auth.failed");
        assertThat(failure.get("detail").asText()).isEqualTo("invalid_api_key");
        assertThat(failure.get("ip").asText()).isEqualTo("127.0.0.1");
        assertNoSecretInAuditLog(bogus);
    }

    @Test
    void auditListIsNewestFirstAndPaged() {
        createUser("Audit Order One");
        String second = createUser("Audit Order Two");
        JsonNode page = json(admin("GET", "/admin/audit?limit=1&action=user.create", null).body());
        assertThat(page.get("data")).hasSize(1);
        assertThat(page.at("/data/0/target").asText()).isEqualTo(second);
        assertThat(page.get("has_more").asBoolean()).isTrue();
        assertThat(admin("GET", "/admin/audit?limit=0", null).statusCode()).isEqualTo(400);
    }

    private void assertNoSecretInAuditLog(String secret) {
        Long hits = jdbc.queryForObject("select count(*) from audit_log where position(? in concat_ws('|', actor, action, "
                + "target, detail, ip)) > 0", Long.class, secret);
        assertThat(hits).as("audit rows containing a secret").isZero();
    }
}
