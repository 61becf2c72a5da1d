package dev.caravan.billing;

import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.TokenBound;
import dev.caravan.openai.TokenCounter;
import dev.caravan.openai.Usage;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The credit hold is taken on the prompt's cheap token bound; the exact count is taken only when that bound does
 * not fit. A long, repetitive prompt (240 kB, about 40,000 tokens) against a wallet that covers its exact worst
 * case but not its bound is served; one that covers neither is refused; either way the charge is the provider's
 * usage, not the hold.
 */
class PromptBoundAdmissionTest extends GatewayTestSupport {

    private static final int MAX_TOKENS = 10;

    @Autowired
    PriceTable prices;

    private static String longChat() {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("model", "stub-a/model-a").put("max_tokens", MAX_TOKENS);
        body.putArray("messages").addObject().put("role", "user").put("content", "hello ".repeat(40_000));
        return body.toString();
    }

    private BigDecimal worstCase(long promptTokens) {
        return prices.price("stub-a", "model-a").worstCase(promptTokens, MAX_TOKENS);
    }

    @Test
    void aWalletThatCoversTheExactWorstCaseButNotTheBoundIsServedAndChargedTheProvidersUsage() throws Exception {
        String chat = longChat();
        ObjectNode body = (ObjectNode) Json.read(chat.getBytes());
        BigDecimal exact = worstCase(TokenCounter.countChatPrompt(body));
        BigDecimal bound = worstCase(TokenBound.chatPrompt(body));
        assertThat(bound).isGreaterThan(exact.multiply(BigDecimal.valueOf(2)));
        // between the two: the bound cannot be held, the exact worst case can
        BigDecimal credits = exact.add(bound).divide(BigDecimal.valueOf(2)).setScale(2, java.math.RoundingMode.UP);
        Account account = newAccount(credits);
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "Hi."))));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat, account.key());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        // charged what the provider reported (12 prompt and 5 completion tokens), not what was held
        BigDecimal charged = prices.price("stub-a", "model-a").cost(new Usage(12, 5, 0, false));
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            var balance = wallets.balance(account.userId());
            return balance.reserved().signum() == 0 && balance.balance().compareTo(credits.subtract(charged)) == 0;
        });
    }

    @Test
    void aWalletThatCoversNeitherIsRefusedWith402() throws Exception {
        String chat = longChat();
        BigDecimal exact = worstCase(TokenCounter.countChatPrompt(Json.read(chat.getBytes())));
        Account account = newAccount(exact.divide(BigDecimal.valueOf(2)).setScale(4, java.math.RoundingMode.DOWN));

        HttpResponse<String> response = postJson("/v1/chat/completions", chat, account.key());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(402);
        assertThat(response.body()).contains("insufficient");
    }
}
