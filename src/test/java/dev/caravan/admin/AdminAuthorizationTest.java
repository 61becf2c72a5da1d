package dev.caravan.admin;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Only admin keys reach the admin API: every admin endpoint refuses a user key with 403, a request without a
 * key with 401, and serves an admin key.
 */
class AdminAuthorizationTest extends AccountsTestSupport {

    /** An admin endpoint; {user} and {key} in the path stand for a fresh user and one of its keys. */
    record Endpoint(String method, String path, String body) {
        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static Stream<Endpoint> adminEndpoints() {
        return Stream.of(
                new Endpoint("POST", "/admin/users", "{\"name\":\"Made By Admin\"}"),
                new Endpoint("GET", "/admin/users", null),
                new Endpoint("GET", "/admin/users/{user}", null),
                new Endpoint("PATCH", "/admin/users/{user}", "{\"name\":\"Renamed\"}"),
                new Endpoint("DELETE", "/admin/users/{user}", null),
                new Endpoint("POST", "/admin/users/{user}/keys", "{\"name\":\"another\"}"),
                new Endpoint("GET", "/admin/users/{user}/keys", null),
                new Endpoint("GET", "/admin/keys/{key}", null),
                new Endpoint("PATCH", "/admin/keys/{key}", "{\"name\":\"renamed\"}"),
                new Endpoint("POST", "/admin/keys/{key}/rotate", null),
                new Endpoint("POST", "/admin/keys/{key}/revoke", null),
                new Endpoint("POST", "/admin/users/{user}/credits", "{\"amount\":1,\"kind\":\"topup\",\"reason\":\"test\"}"),
                new Endpoint("GET", "/admin/users/{user}/transactions", null),
                new Endpoint("GET", "/admin/usage", null),
                new Endpoint("GET", "/admin/audit", null));
    }

    /** The endpoint's path for a fresh user with a fresh key; returns [path, that key's secret]. */
    private String[] target(Endpoint endpoint) {
        String user = createUser("Authz Target");
        JsonNode key = createKey(user, "{\"name\":\"target\"}");
        String path = endpoint.path().replace("{user}", user).replace("{key}", key.get("id").asText());
        return new String[] {path, key.get("key").asText()};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminEndpoints")
    void userKeyIsRefusedWith403(Endpoint endpoint) {
        String[] target = target(endpoint);
        // the target user's own key: the most a user could try is to manage itself
        HttpResponse<String> response = call(endpoint.method(), target[0], target[1], endpoint.body());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("permission_error");
        assertThat(error.get("code").asText()).isEqualTo("admin_required");
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminEndpoints")
    void missingKeyIsRefusedWith401(Endpoint endpoint) {
        String[] target = target(endpoint);
        HttpResponse<String> response = call(endpoint.method(), target[0], null, endpoint.body());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(error(response).get("type").asText()).isEqualTo("authentication_error");
        assertThat(error(response).get("code").asText()).isEqualTo("missing_api_key");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminEndpoints")
    void adminKeyIsServed(Endpoint endpoint) {
        String[] target = target(endpoint);
        HttpResponse<String> response = admin(endpoint.method(), target[0], endpoint.body());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        assertThat(json(response.body()).has("object")).isTrue();
    }

    @Test
    void userKeyIsRefusedBeforeTheRequestIsLookedAt() {
        String secret = newKey(createUser("Authz Early"));
        // unknown ids and bad bodies make no difference: who is asking is decided first
        HttpResponse<String> response = call("POST", "/admin/users/not-an-id/keys", secret, "{not json");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(code(response)).isEqualTo("admin_required");
    }

    @Test
    void adminKeyInXApiKeyHeaderWorksAndNoRequestHeaderIsEchoed() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/admin/users?limit=1"))
                .header("X-API-Key", ADMIN_KEY).header("X-Echo-Me", "please").header("x-request-id", "admin-req-1")
                .GET().build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("x-request-id")).contains("admin-req-1");
        assertThat(response.headers().map().keySet()).doesNotContain("x-api-key", "x-echo-me", "authorization");
        assertThat(response.body()).doesNotContain(ADMIN_KEY);
    }

    @Test
    void unsupportedMethodIs405InOpenAiShape() {
        HttpResponse<String> response = admin("PUT", "/admin/users/" + createUser("Authz Method"), "{\"name\":\"x\"}");
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(code(response)).isEqualTo("method_not_allowed");
    }

    @Test
    void refusedAdminAttemptIsAudited() {
        String user = createUser("Authz Audited");
        JsonNode key = createKey(user, "{\"name\":\"prober\"}");
        call("GET", "/admin/audit", key.get("key").asText(), null);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode entries = json(admin("GET", "/admin/audit?action=auth.failed&limit=1000", null).body()).get("data");
            assertThat(entries.findValuesAsText("actor")).contains(key.get("prefix").asText());
        });
    }
}
