package dev.caravan.provider.anthropic;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** The official OpenAI Java SDK, unchanged, reading Claude's tool calls through the gateway. */
class AnthropicOpenAiSdkTest extends GatewayTestSupport {

    private OpenAIClient client;

    @BeforeEach
    void client() {
        client = OpenAIOkHttpClient.builder().baseUrl(baseUrl() + "/v1").apiKey(userKey).maxRetries(0).build();
    }

    @Test
    void toolCallsOfACompletion() {
        STUB.stubFor(WireMock.post(urlEqualTo("/anthropic/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(JsonFixtures.text("anthropic/response-tool-use.anthropic.json"))));

        ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("stub-anthropic/claude-test").addUserMessage("Weather and time in Paris?").build()).validate();

        ChatCompletion.Choice choice = completion.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        List<String> names = choice.message().toolCalls().orElseThrow().stream()
                .map(call -> call.asFunction().function().name()).toList();
        assertThat(names).containsExactly("get_weather", "get_time");
        ChatCompletionMessageFunctionToolCall first = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(first.id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(first.function().arguments()).isEqualTo("{\"location\":\"Paris, France\",\"unit\":\"celsius\"}");
        assertThat(completion.usage().orElseThrow().promptTokens()).isEqualTo(472);
    }

    @Test
    void streamedToolCallsAssembleFromTheirArgumentPieces() {
        STUB.stubFor(WireMock.post(urlEqualTo("/anthropic/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "text/event-stream").withBody(JsonFixtures.text("anthropic/stream-tools.sse"))));
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model("stub-anthropic/claude-test").addUserMessage("Weather and time in Paris?")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();

        Map<Long, StringBuilder> arguments = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        StringBuilder text = new StringBuilder();
        ChatCompletionChunk[] last = new ChatCompletionChunk[1];
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunk.validate();
                last[0] = chunk;
                chunk.choices().forEach(choice -> {
                    choice.delta().content().ifPresent(text::append);
                    choice.delta().toolCalls().ifPresent(calls -> calls.forEach(call -> {
                        call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name)
                                .ifPresent(name -> names.put(call.index(), name));
                        call.function().flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
                                .ifPresent(piece -> arguments.computeIfAbsent(call.index(), i -> new StringBuilder()).append(piece));
                    }));
                });
            });
        }

        assertThat(text.toString()).isEqualTo("Checking both.");
        assertThat(names).containsEntry(0L, "get_weather").containsEntry(1L, "get_time");
        assertThat(arguments.get(0L).toString()).isEqualTo("{\"location\": \"Paris, France\"}");
        assertThat(arguments.get(1L).toString()).isEqualTo("{\"timezone\": \"Europe/Paris\"}");
        assertThat(last[0].usage().orElseThrow().completionTokens()).isEqualTo(89);
    }
}
