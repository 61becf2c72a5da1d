package dev.caravan.admin;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Helpers for the admin and self-service API tests: requests with a key, and users and keys made through the
 * admin API itself. Requests go to 127.0.0.1 so the gateway sees the IPv4 loopback address, which the IP
 * allowlist tests rely on.
 */
public abstract class AccountsTestSupport extends GatewayTestSupport {

    protected HttpResponse<String> call(String method, String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return send(request.build());
    }

    protected HttpResponse<String> admin(String method, String path, String body) {
        return call(method, path, ADMIN_KEY, body);
    }

    /** A new user (with a unique email) made through the admin API; returns its id. */
    protected String createUser(String name) {
        HttpResponse<String> response = admin("POST", "/admin/users",
                "{\"name\":\"" + name + "\",\"email\":\"" + name.toLowerCase().replace(' ', '.') + "."
                        + System.nanoTime() + "@example.com\"}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body()).get("id").asText();
    }

    /** A key issued through the admin API with the given settings (a JSON object body); returns the response body. */
    protected JsonNode createKey(String userId, String settings) {
        HttpResponse<String> response = admin("POST", "/admin/users/" + userId + "/keys", settings);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
        return json(response.body());
    }

    /** The secret of a new plain key for the user. */
    protected String newKey(String userId) {
        return createKey(userId, "{\"name\":\"plain\"}").get("key").asText();
    }

    protected static String code(HttpResponse<String> response) {
        return error(response).get("code").asText();
    }
}
