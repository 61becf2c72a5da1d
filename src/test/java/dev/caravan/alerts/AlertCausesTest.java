package dev.caravan.alerts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.billing.PriceTable;
import dev.caravan.ledger.DeadLetters;
import dev.caravan.ledger.UsageEvent;
import dev.caravan.openai.Usage;
import dev.caravan.support.OpenAiFixtures;
import org.apache.camel.builder.NotifyBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

/** Each cause raised by its real trigger reaches the webhooks; a normal call raises nothing. */
class AlertCausesTest extends AlertTestSupport {

    /** An answer whose usage makes the call cost a known amount, whatever its (tiny) hold was. */
    private static final String COSTLY = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1731000000,"model":"model-a",\
            "choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":1,"completion_tokens":1000,"total_tokens":1001}}""";

    @Autowired
    PriceTable prices;
    @Autowired
    DeadLetters deadLetters;

    @Test
    void everyProviderOfAProfileFailingAlertsOnceWithoutThePrompt() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        STUB.stubFor(post("/b/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        double deduplicated = count("all_providers_failed", "deduplicated");

        assertThat(postJson("/v1/chat/completions", chat("alerts-down")).statusCode()).isEqualTo(502);
        assertThat(postJson("/v1/chat/completions", chat("alerts-down")).statusCode()).isEqualTo(502);

        awaitCount("all_providers_failed", "deduplicated", deduplicated + 1);
        List<JsonNode> alerts = awaitJsonAlerts("all_providers_failed", "profile:alerts-down", 1);
        assertThat(alerts).hasSize(1);
        JsonNode alert = alerts.get(0);
        assertThat(alert.get("severity").asText()).isEqualTo("critical");
        assertThat(alert.at("/detail/providers").asText()).isEqualTo("stub-a,stub-b");
        assertThat(alert.at("/detail/status").asInt()).isEqualTo(502);
        assertThat(alert.toString()).doesNotContain("a private prompt", "sk-test-a", userKey);
    }

    @Test
    void aProfilesErrorRateOverItsThresholdAlerts() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "ok"))));
        for (int i = 0; i < 5; i++) {
            assertThat(postJson("/v1/chat/completions", chat("alerts-rate")).statusCode()).isEqualTo(200);
        }
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(500)));
        // 20 failures of 25 calls: 80 %, over the default 50 % once the window holds its 20 calls (502s, then 503s
        // once stub-a's circuit breaker has opened: both are the profile failing its callers)
        for (int i = 0; i < 20; i++) {
            assertThat(postJson("/v1/chat/completions", chat("alerts-rate")).statusCode()).isIn(502, 503);
        }

        JsonNode alert = awaitJsonAlerts("error_rate", "profile:alerts-rate", 1).get(0);
        assertThat(alert.at("/detail/calls").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(alert.at("/detail/error_rate").asDouble()).isGreaterThanOrEqualTo(0.5);
        assertThat(alert.at("/detail/threshold").asDouble()).isEqualTo(0.5);
        assertThat(alert.at("/detail/window_seconds").asLong()).isEqualTo(300);
    }

    @Test
    void aKeyCrossingEightyAndThenAHundredPercentOfItsDailyBudgetAlertsForEach() {
        BigDecimal oneCall = prices.price("stub-a", "model-a").cost(new Usage(1, 1000, 0, false));
        // one call is 85 % of the budget, the second takes it past 100 %
        BigDecimal budget = oneCall.divide(new BigDecimal("0.85"), 8, RoundingMode.HALF_UP);
        Account account = newAccount(new BigDecimal("1000"), budget, null);
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(COSTLY)));
        String subject = "key:" + account.keyId() + "/daily";

        assertThat(postJson("/v1/chat/completions", chat("stub-a/model-a"), account.key()).statusCode()).isEqualTo(200);
        JsonNode eighty = awaitJsonAlerts("key_budget_80", subject, 1).get(0);
        assertThat(eighty.get("severity").asText()).isEqualTo("warning");
        assertThat(eighty.at("/detail/percent").asText()).isEqualTo("85.0");
        assertThat(new BigDecimal(eighty.at("/detail/budget_usd").asText())).isEqualByComparingTo(budget);

        assertThat(postJson("/v1/chat/completions", chat("stub-a/model-a"), account.key()).statusCode()).isEqualTo(200);
        JsonNode hundred = awaitJsonAlerts("key_budget_100", subject, 1).get(0);
        assertThat(hundred.get("severity").asText()).isEqualTo("critical");
        assertThat(hundred.at("/detail/period").asText()).isEqualTo("daily");
        assertThat(jsonAlerts("key_budget_80", subject)).hasSize(1);
    }

    @Test
    void aWalletFallingUnderTheThresholdAlertsOnce() {
        BigDecimal oneCall = prices.price("stub-a", "model-a").cost(new Usage(1, 1000, 0, false));
        // the default threshold is $1.00: one call takes this wallet from above it to under it
        Account account = newAccount(BigDecimal.ONE.add(oneCall.divide(BigDecimal.valueOf(2), 8, RoundingMode.HALF_UP)));
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(COSTLY)));

        assertThat(postJson("/v1/chat/completions", chat("stub-a/model-a"), account.key()).statusCode()).isEqualTo(200);

        JsonNode alert = awaitJsonAlerts("wallet_low", "user:" + account.userId(), 1).get(0);
        assertThat(new BigDecimal(alert.at("/detail/balance_usd").asText())).isLessThan(BigDecimal.ONE);
        assertThat(alert.at("/detail/threshold_usd").asText()).isEqualTo("1");
    }

    @Test
    void aUsageEventTheLedgerCannotWriteAlerts() {
        Account account = newAccount(new BigDecimal("10"));
        String requestId = "req_alert_" + UUID.randomUUID();
        UsageEvent event = new UsageEvent(requestId, null, account.userId(), account.keyId(), "chat", "ab", "stub-a",
                "model-a", "ab", 12, 5, 0, BigDecimal.ZERO, false, false, 200, "completed", 5L, 5L, 1, false, null);

        deadLetters.record(event, new DataIntegrityViolationException("value refused by the database"));

        JsonNode alert = awaitJsonAlerts("ledger_dead_letter", "user:" + account.userId(), 1).get(0);
        assertThat(alert.at("/detail/request_id").asText()).isEqualTo(requestId);
    }

    @Test
    void aNormalSuccessfulCallRaisesNothing() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "ok"))));
        NotifyBuilder checked = new NotifyBuilder(camel).fromRoute("alerts-settled-calls").whenDone(1).create();
        NotifyBuilder raised = new NotifyBuilder(camel).fromRoute("alerts").whenReceived(1).create();

        assertThat(postJson("/v1/chat/completions", chat("ab")).statusCode()).isEqualTo(200);

        // once the ledger wrote the call and the checks ran on it, anything they raised is on the alert queue
        assertThat(checked.matches(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(camel.getEndpoint(AlertRoutes.QUEUE, org.apache.camel.component.seda.SedaEndpoint.class)
                .getQueue()).isEmpty();
        assertThat(raised.matches()).isFalse();
    }
}
