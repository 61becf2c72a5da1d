package dev.caravan.provider.demo;

import java.util.ArrayList;
import java.util.List;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import com.openai.errors.NotFoundException;
import dev.caravan.support.GatewayTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official OpenAI Java SDK, unchanged, against the demo provider: what a quick-start user does. */
class OpenAiSdkDemoTest extends GatewayTestSupport {

    private OpenAIClient client;

    @BeforeEach
    void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(userKey).build();
    }

    @Test
    void chatCompletion() {
        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("demo").addUserMessage("Say hello to Caravan").build());

        String text = completion.choices().get(0).message().content().orElseThrow();
        assertThat(text).contains("You said: \"Say hello to Caravan\"");
        assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(completion.usage().orElseThrow().promptTokens()).isPositive();
        assertThat(completion.usage().orElseThrow().completionTokens()).isPositive();

        // deterministic: the same question gives the same answer
        ChatCompletion again = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("demo").addUserMessage("Say hello to Caravan").build());
        assertThat(again.choices().get(0).message().content()).contains(text);
    }

    @Test
    void streamingChatCompletionWithUsage() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("demo/caravan-demo-1").addUserMessage("Stream please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunks.add(chunk);
                chunk.choices().forEach(choice -> choice.delta().content().ifPresent(text::append));
            });
        }
        assertThat(chunks.size()).isGreaterThan(5);
        assertThat(text.toString()).contains("You said: \"Stream please\"");
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage().orElseThrow().completionTokens()).isPositive();

        ChatCompletion whole = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("demo/caravan-demo-1").addUserMessage("Stream please").build());
        assertThat(whole.choices().get(0).message().content()).contains(text.toString());
    }

    @Test
    void embeddingsAreDeterministicUnitVectors() {
        CreateEmbeddingResponse first = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("demo/caravan-demo-embed").input("the same text").build());
        CreateEmbeddingResponse second = client.embeddings().create(EmbeddingCreateParams.builder()
                .model("demo/caravan-demo-embed").input("the same text")
                .encodingFormat(EmbeddingCreateParams.EncodingFormat.BASE64).build());

        List<Float> a = first.data().get(0).embedding();
        List<Float> b = second.data().get(0).embedding();
        assertThat(a).hasSize(256).isEqualTo(b);
        double norm = a.stream().mapToDouble(v -> v * v).sum();
        assertThat(norm).isBetween(0.999, 1.001);
    }

    @Test
    void modelsAndErrorsThroughTheSdk() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains("demo", "demo/caravan-demo-1");
        assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("no-such-model").addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("does not exist");
    }
}
