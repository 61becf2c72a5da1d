package dev.caravan.admin;

import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Users through the admin API: create, read with the wallet, list, update, and delete (disable + revoke keys). */
class UserAdminTest extends AccountsTestSupport {

    @Test
    void createReadUpdateList() {
        String email = "crud." + System.nanoTime() + "@example.com";
        HttpResponse<String> created = admin("POST", "/admin/users", "{\"name\":\"Crud User\",\"email\":\"" + email + "\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode user = json(created.body());
        String id = user.get("id").asText();
        assertThat(user.get("object").asText()).isEqualTo("user");
        assertThat(user.get("email").asText()).isEqualTo(email);
        assertThat(user.get("disabled").asBoolean()).isFalse();
        assertThat(user.at("/wallet/balance").decimalValue()).isZero();

        JsonNode read = json(admin("GET", "/admin/users/" + id, null).body());
        assertThat(read.get("name").asText()).isEqualTo("Crud User");
        assertThat(read.at("/wallet/currency").asText()).isEqualTo("USD");
        assertThat(read.at("/wallet/available").decimalValue()).isZero();

        HttpResponse<String> patched = admin("PATCH", "/admin/users/" + id, "{\"name\":\"Renamed User\"}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(json(patched.body()).get("name").asText()).isEqualTo("Renamed User");
        assertThat(json(patched.body()).get("email").asText()).isEqualTo(email);

        JsonNode all = json(admin("GET", "/admin/users?limit=1000", null).body());
        assertThat(all.get("object").asText()).isEqualTo("list");
        assertThat(all.get("data").findValuesAsText("id")).contains(id);
        JsonNode one = json(admin("GET", "/admin/users?limit=1&offset=0", null).body());
        assertThat(one.get("data")).hasSize(1);
        assertThat(one.get("has_more").asBoolean()).isTrue();
    }

    @Test
    void userWithoutEmailCanBeCreated() {
        HttpResponse<String> created = admin("POST", "/admin/users", "{\"name\":\"No Email\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created.body()).get("email").isNull()).isTrue();
    }

    @Test
    void deleteDisablesTheUserAndRevokesEveryKey() {
        String id = createUser("Delete Me");
        String first = newKey(id);
        String second = newKey(id);
        assertThat(call("GET", "/v1/balance", first, null).statusCode()).isEqualTo(200);

        HttpResponse<String> deleted = admin("DELETE", "/admin/users/" + id, null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted.body()).get("disabled").asBoolean()).isTrue();
        assertThat(json(deleted.body()).get("revoked_keys").asInt()).isEqualTo(2);

        assertThat(code(call("GET", "/v1/balance", first, null))).isEqualTo("key_revoked");
        assertThat(code(call("GET", "/v1/balance", second, null))).isEqualTo("key_revoked");
        JsonNode keys = json(admin("GET", "/admin/users/" + id + "/keys", null).body()).get("data");
        assertThat(keys.findValuesAsText("status")).containsOnly("revoked");
        // the user is still there: the ledger refers to it
        assertThat(admin("GET", "/admin/users/" + id, null).statusCode()).isEqualTo(200);
        // and gets no new keys while disabled
        HttpResponse<String> refused = admin("POST", "/admin/users/" + id + "/keys", "{\"name\":\"late\"}");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(code(refused)).isEqualTo("user_disabled");
    }

    @Test
    void duplicateEmailIs409() {
        String email = "dup." + System.nanoTime() + "@example.com";
        assertThat(admin("POST", "/admin/users", "{\"name\":\"A\",\"email\":\"" + email + "\"}").statusCode()).isEqualTo(201);
        HttpResponse<String> again = admin("POST", "/admin/users", "{\"name\":\"B\",\"email\":\"" + email + "\"}");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(code(again)).isEqualTo("email_taken");
    }

    @Test
    void unknownUsersAre404() {
        for (String path : new String[] {"/admin/users/00000000-0000-0000-0000-000000000000", "/admin/users/nobody",
                "/admin/users/00000000-0000-0000-0000-000000000000/keys",
                "/admin/users/00000000-0000-0000-0000-000000000000/transactions"}) {
            HttpResponse<String> response = admin("GET", path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(code(response)).isEqualTo("user_not_found");
            assertThat(error(response).get("type").asText()).isEqualTo("not_found_error");
        }
        assertThat(code(admin("DELETE", "/admin/users/00000000-0000-0000-0000-000000000000", null))).isEqualTo("user_not_found");
    }

    @Test
    void theCallingAdminCannotDisableItself() {
        // the admin key belongs to the bootstrap admin user
        JsonNode users = json(admin("GET", "/admin/users?limit=1000", null).body()).get("data");
        String adminUser = null;
        for (JsonNode user : users) {
            if ("admin@caravan.local".equals(user.get("email").asText())) {
                adminUser = user.get("id").asText();
            }
        }
        assertThat(adminUser).isNotNull();
        assertThat(code(admin("DELETE", "/admin/users/" + adminUser, null))).isEqualTo("cannot_disable_own_account");
        assertThat(code(admin("PATCH", "/admin/users/" + adminUser, "{\"disabled\":true}"))).isEqualTo("cannot_disable_own_account");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{}                                  | name",
        "{\"name\":5}                        | name",
        "{\"name\":\"  \"}                   | name",
        "{\"name\":\"x\",\"email\":\"nope\"} | email",
        "{\"name\":\"x\",\"email\":7}        | email",
        "{\"name\":\"x\",\"role\":\"boss\"}  | role",
    })
    void invalidUsersAre400NamingTheField(String body, String param) {
        HttpResponse<String> response = admin("POST", "/admin/users", body);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo(param);
    }

    @Test
    void invalidPatchesAre400() {
        String id = createUser("Patch Invalid");
        assertThat(error(admin("PATCH", "/admin/users/" + id, "{\"disabled\":\"yes\"}")).get("param").asText()).isEqualTo("disabled");
        assertThat(error(admin("PATCH", "/admin/users/" + id, "{\"email\":null}")).get("param").asText()).isEqualTo("email");
        assertThat(code(admin("PATCH", "/admin/users/" + id, "{}"))).isEqualTo("empty_update");
        assertThat(error(admin("GET", "/admin/users?limit=5000", null)).get("param").asText()).isEqualTo("limit");
        assertThat(error(admin("GET", "/admin/users?offset=-1", null)).get("param").asText()).isEqualTo("offset");
    }
}
