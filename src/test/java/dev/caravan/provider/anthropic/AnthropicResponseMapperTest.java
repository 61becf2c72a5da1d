package dev.caravan.provider.anthropic;

import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Anthropic messages and errors from fixtures, translated to OpenAI's shapes. */
class AnthropicResponseMapperTest {

    private static final long CREATED = 1_700_000_000L;

    @Test
    void textWithCacheUsage() {
        assertThat(JsonFixtures.normalized(AnthropicResponseMapper.toChatCompletion(
                JsonFixtures.json("anthropic/response-text.anthropic.json"), CREATED)))
                .isEqualTo(JsonFixtures.json("anthropic/response-text.openai.json"));
    }

    @Test
    void parallelToolUseBecomesToolCalls() {
        assertThat(JsonFixtures.normalized(AnthropicResponseMapper.toChatCompletion(
                JsonFixtures.json("anthropic/response-tool-use.anthropic.json"), CREATED)))
                .isEqualTo(JsonFixtures.json("anthropic/response-tool-use.openai.json"));
    }

    @Test
    void anAnswerOfToolCallsOnlyHasNullContent() {
        var completion = AnthropicResponseMapper.toChatCompletion(JsonFixtures.json("anthropic/response-tool-only.anthropic.json"), CREATED);
        var message = completion.at("/choices/0/message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.at("/tool_calls/0/function/arguments").asText()).isEqualTo("{}");
        assertThat(completion.at("/usage/total_tokens").asInt()).isEqualTo(25);
    }

    @Test
    void usageCountsCachedInputAsPromptTokens() {
        Usage usage = AnthropicResponseMapper.usage(JsonFixtures.json("anthropic/response-text.anthropic.json").get("usage"));
        assertThat(usage).isEqualTo(new Usage(2095 + 1800 + 100, 503, 1800, false));
        assertThat(AnthropicResponseMapper.usage(null)).isNull();
    }

    @ParameterizedTest
    @CsvSource({
        "end_turn, stop",
        "stop_sequence, stop",
        "pause_turn, stop",
        "max_tokens, length",
        "model_context_window_exceeded, length",
        "tool_use, tool_calls",
        "refusal, content_filter"
    })
    void stopReasons(String stopReason, String finishReason) {
        assertThat(AnthropicResponseMapper.finishReason(stopReason)).isEqualTo(finishReason);
    }

    @Test
    void overloadedErrorKeepsItsStatusAndAnthropicsTypeAsCode() {
        OpenAiError error = AnthropicErrors.toOpenAi(529, JsonFixtures.json("anthropic/error-overloaded.json"));
        assertThat(error).isEqualTo(new OpenAiError(529, "Overloaded", "api_error", null, "overloaded_error"));
    }

    @Test
    void errorTypesSharedWithOpenAiKeepTheirName() {
        OpenAiError invalid = AnthropicErrors.toOpenAi(400, JsonFixtures.json("anthropic/error-invalid-request.json"));
        assertThat(invalid.type()).isEqualTo("invalid_request_error");
        assertThat(invalid.code()).isNull();
        assertThat(invalid.message()).startsWith("messages: roles must alternate");
        OpenAiError auth = AnthropicErrors.toOpenAi(401, JsonFixtures.json("anthropic/error-authentication.json"));
        assertThat(auth).isEqualTo(new OpenAiError(401, "invalid x-api-key", "authentication_error", null, null));
    }

    @Test
    void anUnreadableErrorBodyGetsAGenericMessageTypedByStatus() {
        OpenAiError error = AnthropicErrors.toOpenAi(404, null);
        assertThat(error.type()).isEqualTo("not_found_error");
        assertThat(error.message()).contains("404");
    }
}
