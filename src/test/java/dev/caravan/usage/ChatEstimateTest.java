package dev.caravan.usage;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.admin.AccountsTestSupport;
import dev.caravan.openai.TokenCounter;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /v1/chat/estimate} prices a chat request as the gateway would reserve it, from the price table
 * ({@code demo/caravan-demo-1}: $0.50 in, $1.50 out per million tokens), and never calls a provider.
 */
class ChatEstimateTest extends AccountsTestSupport {

    private static final String MESSAGES = "[{\"role\":\"system\",\"content\":\"You are terse.\"},"
            + "{\"role\":\"user\",\"content\":\"How many moons does Mars have, and what are they called?\"}]";
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);


    @Autowired
    JdbcTemplate jdbc;

    private String key;

    @BeforeEach
    void newCaller() {
        key = newKey(createUser("Estimate Caller"));
    }

    /** Counts exchanges about to be sent to a {@code provider:} endpoint, i.e. provider attempts. */
    private static final class ProviderSends extends EventNotifierSupport {

        final AtomicInteger count = new AtomicInteger();

        @Override
        public void notify(CamelEvent event) {
            if (((CamelEvent.ExchangeSendingEvent) event).getEndpoint().getEndpointUri().startsWith("provider:")) {
                count.incrementAndGet();
            }
        }

        @Override
        public boolean isEnabled(CamelEvent event) {
            return event instanceof CamelEvent.ExchangeSendingEvent;
        }
    }

    private ProviderSends providerSends;

    @BeforeEach
    void watchProviders() {
        providerSends = new ProviderSends();
        camel.getManagementStrategy().addEventNotifier(providerSends);
        ServiceHelper.startService(providerSends);
    }

    @AfterEach
    void stopWatching() {
        camel.getManagementStrategy().removeEventNotifier(providerSends);
        ServiceHelper.stopService(providerSends);
    }

    private static BigDecimal demoCost(long prompt, long output) {
        return new BigDecimal("0.50").multiply(BigDecimal.valueOf(prompt))
                .add(new BigDecimal("1.50").multiply(BigDecimal.valueOf(output)))
                .divide(MILLION, 8, RoundingMode.HALF_UP);
    }

    @Test
    void worstCaseOfTheDemoModelFollowsThePriceTable() throws Exception {
        long prompt = TokenCounter.countMessages(JSON.readTree(MESSAGES));
        long reservationsBefore = jdbc.queryForObject("select count(*) from reservations", Long.class);

        HttpResponse<String> response = call("POST", "/v1/chat/estimate", key,
                "{\"model\":\"demo\",\"max_tokens\":100,\"messages\":" + MESSAGES + "}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode estimate = json(response.body());
        assertThat(estimate.get("object").asText()).isEqualTo("chat.estimate");
        assertThat(estimate.get("model").asText()).isEqualTo("demo");
        assertThat(estimate.get("profile").asText()).isEqualTo("demo");
        assertThat(estimate.get("provider").asText()).isEqualTo("demo");
        assertThat(estimate.get("upstream_model").asText()).isEqualTo("caravan-demo-1");
        assertThat(estimate.get("prompt_tokens").asLong()).isEqualTo(prompt).isPositive();
        assertThat(estimate.get("max_output_tokens").asLong()).isEqualTo(100);
        BigDecimal expected = demoCost(prompt, 100);
        assertThat(expected).isPositive();
        assertThat(estimate.get("estimated_cost").decimalValue()).isEqualByComparingTo(expected);
        assertThat(estimate.get("currency").asText()).isEqualTo("USD");
        assertThat(estimate.get("sufficient_credits").asBoolean()).isFalse();

        // priced, not run: no provider saw the request and nothing was held
        assertThat(providerSends.count.get()).isZero();
        assertThat(jdbc.queryForObject("select count(*) from reservations", Long.class)).isEqualTo(reservationsBefore);
    }

    @Test
    void theProviderCheckWouldSeeARealCall() {
        // the control for the check above: the same request sent to /v1/chat/completions does reach the provider
        admin("POST", "/admin/users/" + json(call("GET", "/v1/balance", key, null).body()).get("user_id").asText()
                + "/credits", "{\"amount\":1,\"kind\":\"topup\",\"reason\":\"control call\"}");
        HttpResponse<String> completion = call("POST", "/v1/chat/completions", key,
                "{\"model\":\"demo\",\"max_tokens\":100,\"messages\":" + MESSAGES + "}");
        assertThat(completion.statusCode()).as(completion.body()).isEqualTo(200);
        assertThat(providerSends.count.get()).isEqualTo(1);
    }

    @Test
    void withoutAnOutputLimitTheModelsMaximumAndNCount() throws Exception {
        long prompt = TokenCounter.countMessages(JSON.readTree(MESSAGES));
        JsonNode estimate = json(call("POST", "/v1/chat/estimate", key,
                "{\"model\":\"demo/caravan-demo-1\",\"n\":2,\"messages\":" + MESSAGES + "}").body());
        // max_output of demo/caravan-demo-1 is 1024, times n
        assertThat(estimate.get("max_output_tokens").asLong()).isEqualTo(2048);
        assertThat(estimate.get("estimated_cost").decimalValue()).isEqualByComparingTo(demoCost(prompt, 2048));
        assertThat(estimate.get("profile").isNull()).isTrue();
    }

    @Test
    void upstreamProvidersAreNotCalled() {
        HttpResponse<String> response = call("POST", "/v1/chat/estimate", key,
                "{\"model\":\"stub-a/model-a\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response.body()).get("provider").asText()).isEqualTo("stub-a");
        assertThat(STUB.getAllServeEvents()).isEmpty();
    }

    @Test
    void unknownModelIs404() {
        HttpResponse<String> response = call("POST", "/v1/chat/estimate", key,
                "{\"model\":\"gpt-99\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(code(response)).isEqualTo("model_not_found");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}                       | model",
        "{\"model\":\"demo\"}                                                          | messages",
        "{\"model\":\"demo\",\"messages\":[]}                                          | messages",
        "{\"model\":\"demo\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}  | messages[0].role",
        "{\"model\":\"demo\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]} | max_tokens",
    })
    void invalidRequestsAre400LikeChatCompletions(String body, String param) {
        HttpResponse<String> response = call("POST", "/v1/chat/estimate", key, body);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).get("param").asText()).isEqualTo(param);
    }

    @Test
    void malformedBodyIs400() {
        assertThat(call("POST", "/v1/chat/estimate", key, "{\"model\":").statusCode()).isEqualTo(400);
        assertThat(call("POST", "/v1/chat/estimate", key, null).statusCode()).isEqualTo(400);
    }
}
