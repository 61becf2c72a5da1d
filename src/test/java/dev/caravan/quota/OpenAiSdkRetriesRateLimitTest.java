package dev.caravan.quota;

import java.net.http.HttpResponse;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK, unchanged, against a key that used up its 30 requests a minute: the SDK gets a
 * 429 with {@code retry-after-ms}, waits that long by itself, retries and gets its answer.
 */
class OpenAiSdkRetriesRateLimitTest extends QuotaTestSupport {

    @Autowired
    MeterRegistry meters;

    @Test
    void theSdkBacksOffOnA429AndThenSucceeds() {
        providerAnswers();
        Account account = account();
        OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(account.key())
                .maxRetries(2).build();
        try {
            // use up the key's 30 requests, then until a refusal says the next one is well over a second away (a
            // slot was just taken): the SDK's first try, right after, is refused too
            HttpResponse<String> refused = null;
            for (int i = 0; i < 200 && (refused == null || retryAfterMs(refused) < 1_500); i++) {
                HttpResponse<String> response = chat(account.key(), request("quota-sdk", 10));
                refused = response.statusCode() == 429 ? response : null;
            }
            assertThat(refused).isNotNull();
            assertThat(retryAfterMs(refused)).isBetween(1_500L, 2_000L);
            double rejectionsBefore = rejections();
            int providerCallsBefore = providerCalls.get();

            ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                    .model("quota-sdk").addUserMessage("Patience").build());

            assertThat(completion.choices().get(0).message().content()).hasValue("Hi");
            // the SDK's first try was refused, it waited retry-after-ms and its retry was served
            assertThat(rejections()).isGreaterThan(rejectionsBefore);
            assertThat(providerCalls.get()).isEqualTo(providerCallsBefore + 1);
        } finally {
            client.close();
        }
    }

    private static long retryAfterMs(HttpResponse<String> refused) {
        return Long.parseLong(header(refused, "retry-after-ms"));
    }

    private double rejections() {
        return meters.counter("caravan.ratelimit.rejections", "limit", Limit.KEY_RPM.tag).count();
    }
}
