package dev.caravan.account;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.TestJwt;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every model call is authenticated: API keys in either header, JWTs, and the refusals in OpenAI's shape. */
class AuthenticationTest extends GatewayTestSupport {

    private static final String CHAT = "{\"model\":\"demo\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    private HttpResponse<String> chatWithHeaders(String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(CHAT));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    @Test
    void missingKeyIs401() {
        HttpResponse<String> response = chatWithHeaders();
        assertThat(response.statusCode()).isEqualTo(401);
        JsonNode error = error(response);
        assertThat(error.get("type").asText()).isEqualTo("authentication_error");
        assertThat(error.get("code").asText()).isEqualTo("missing_api_key");
    }

    @Test
    void unknownKeyIs401AndNoDefaultCredentialWorks() {
        for (String key : List.of("cvn_live_" + "A".repeat(40), "sk-anything", "admin", "cvn_test_")) {
            HttpResponse<String> response = chatWithHeaders("Authorization", "Bearer " + key);
            assertThat(response.statusCode()).as(key).isEqualTo(401);
            assertThat(error(response).get("code").asText()).isEqualTo("invalid_api_key");
            assertThat(response.body()).doesNotContain("A".repeat(40));
        }
        Integer audited = jdbc.queryForObject("select count(*) from audit_log where action = 'auth.failed' and actor like 'cvn_live_AAAA%'",
                Integer.class);
        assertThat(audited).isPositive();
        Integer leaked = jdbc.queryForObject("select count(*) from audit_log where actor like '%" + "A".repeat(10) + "%' "
                + "or detail like '%" + "A".repeat(10) + "%'", Integer.class);
        assertThat(leaked).isZero();
    }

    @Test
    void keyWorksInAuthorizationAndInXApiKey() {
        assertThat(chatWithHeaders("Authorization", "Bearer " + userKey).statusCode()).isEqualTo(200);
        assertThat(chatWithHeaders("X-API-Key", userKey).statusCode()).isEqualTo(200);
    }

    @Test
    void modelOutsideTheKeyScopesIs403() {
        Account account = newAccount(new java.math.BigDecimal("5"));
        var scoped = keyService.issue(new ApiKey(null, account.userId(), "scoped", null, false, false, List.of("demo/*"),
                null, null, List.of(), List.of(), null, null, null, null, null, null));
        assertThat(chatWithHeaders("Authorization", "Bearer " + scoped.secret()).statusCode()).isEqualTo(403);
        HttpResponse<String> allowed = postJson("/v1/chat/completions",
                CHAT.replace("\"demo\"", "\"demo/caravan-demo-1\""), scoped.secret());
        assertThat(allowed.statusCode()).isEqualTo(200);
        HttpResponse<String> models = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/models"))
                .header("Authorization", "Bearer " + scoped.secret()).build());
        assertThat(models.body()).contains("demo/caravan-demo-1").doesNotContain("\"id\":\"demo\"");
    }

    @Test
    void jwtBearerTokensAreAnAlternativeIdentity() {
        assertThat(chatWithHeaders("Authorization", "Bearer " + TestJwt.hs256(userId, 300, null)).statusCode()).isEqualTo(200);
        assertThat(chatWithHeaders("Authorization", "Bearer " + TestJwt.rs256(userId, 300, null)).statusCode()).isEqualTo(200);

        HttpResponse<String> expired = chatWithHeaders("Authorization", "Bearer " + TestJwt.hs256(userId, -60, null));
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(error(expired).get("code").asText()).isEqualTo("invalid_token");
        assertThat(chatWithHeaders("Authorization", "Bearer " + TestJwt.rs256WithUnknownKey(userId)).statusCode()).isEqualTo(401);
        assertThat(chatWithHeaders("Authorization", "Bearer " + TestJwt.hs256(java.util.UUID.randomUUID(), 300, null))
                .statusCode()).isEqualTo(401);
        HttpResponse<String> scoped = chatWithHeaders("Authorization", "Bearer " + TestJwt.rs256(userId, 300, "fast smart"));
        assertThat(scoped.statusCode()).isEqualTo(403);
        assertThat(error(scoped).get("code").asText()).isEqualTo("model_not_allowed");
    }

    @Test
    void modelsListNeedsAKey() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/models")).build());
        assertThat(response.statusCode()).isEqualTo(401);
    }
}
