package dev.caravan.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Gemini responses and errors from fixtures, translated to OpenAI's shapes. */
class GeminiResponseMapperTest {

    private static final long CREATED = 1_700_000_000L;

    private static JsonNode translate(String fixture) {
        return JsonFixtures.normalized(GeminiResponseMapper.toChatCompletion(JsonFixtures.json(fixture), "gemini-test", "chatcmpl-x", CREATED));
    }

    @Test
    void textWithoutThoughtsAndUsageWithCachedAndThinkingTokens() {
        assertThat(translate("gemini/response-text.gemini.json")).isEqualTo(JsonFixtures.json("gemini/response-text.openai.json"));
    }

    @Test
    void parallelFunctionCallsBecomeToolCallsWithIds() {
        assertThat(translate("gemini/response-function-calls.gemini.json"))
                .isEqualTo(JsonFixtures.json("gemini/response-function-calls.openai.json"));
    }

    @Test
    void aSignedFunctionCallCarriesItsThoughtSignatureAsExtraContent() {
        JsonNode completion = translate("gemini/response-thought-signature.gemini.json");
        assertThat(completion).isEqualTo(JsonFixtures.json("gemini/response-thought-signature.openai.json"));
        assertThat(completion.at("/choices/0/message/tool_calls/0/extra_content/google/thought_signature").asText())
                .isEqualTo("CiQBcsjafPx3Zsig-A0Q==");
        assertThat(completion.at("/choices/0/message/tool_calls/1").has("extra_content")).isFalse();
    }

    @Test
    void callsWithoutSignatureAndSignedTextPartsGetNoExtraContent() {
        JsonNode unsigned = translate("gemini/response-function-calls.gemini.json");
        for (JsonNode call : unsigned.at("/choices/0/message/tool_calls")) {
            assertThat(call.has("extra_content")).isFalse();
        }
        JsonNode signedText = JsonFixtures.parse("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi.\","
                + "\"thoughtSignature\":\"sig-t\"}]},\"finishReason\":\"STOP\"}],\"responseId\":\"r\"}");
        assertThat(GeminiResponseMapper.toChatCompletion(signedText, "m", "x", CREATED).at("/choices/0/message"))
                .isEqualTo(JsonFixtures.parse("{\"role\":\"assistant\",\"content\":\"Hi.\"}"));
    }

    @Test
    void eachCandidateIsAChoice() {
        JsonNode completion = translate("gemini/response-two-candidates.gemini.json");
        assertThat(completion.at("/choices/0/message/content").asText()).isEqualTo("Purr.");
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
        assertThat(completion.at("/choices/1/index").asInt()).isEqualTo(1);
        assertThat(completion.at("/choices/1/finish_reason").asText()).isEqualTo("length");
    }

    @Test
    void aBlockedPromptIsAContentFilterFinish() {
        JsonNode completion = translate("gemini/response-blocked.gemini.json");
        assertThat(completion.at("/choices/0/message/content").isNull()).isTrue();
        assertThat(completion.at("/choices/0/finish_reason").asText()).isEqualTo("content_filter");
        assertThat(completion.at("/usage/prompt_tokens").asInt()).isEqualTo(9);
    }

    @Test
    void anIdIsMadeUpOnlyWhenGeminiGivesNone() {
        JsonNode noId = JsonFixtures.parse("{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]},\"finishReason\":\"STOP\"}]}");
        assertThat(GeminiResponseMapper.toChatCompletion(noId, "gemini-test", "chatcmpl-x", CREATED).get("id").asText())
                .isEqualTo("chatcmpl-x");
        JsonNode withCallId = JsonFixtures.parse("{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":"
                + "{\"id\":\"fc-1\",\"name\":\"f\",\"args\":{}}}]},\"finishReason\":\"STOP\"}],\"responseId\":\"r\"}");
        assertThat(GeminiResponseMapper.toChatCompletion(withCallId, "m", "x", CREATED).at("/choices/0/message/tool_calls/0/id")
                .asText()).isEqualTo("fc-1");
    }

    @ParameterizedTest
    @CsvSource({
        "STOP, false, stop",
        "STOP, true, tool_calls",
        "MAX_TOKENS, false, length",
        "SAFETY, false, content_filter",
        "RECITATION, false, content_filter",
        "BLOCKLIST, false, content_filter",
        "PROHIBITED_CONTENT, false, content_filter",
        "SPII, false, content_filter",
        "MALFORMED_FUNCTION_CALL, false, stop",
        "OTHER, false, stop"
    })
    void finishReasons(String reason, boolean calledFunctions, String expected) {
        assertThat(GeminiResponseMapper.finishReason(reason, calledFunctions)).isEqualTo(expected);
    }

    @Test
    void usageMetadata() {
        assertThat(GeminiResponseMapper.usage(JsonFixtures.json("gemini/response-text.gemini.json").get("usageMetadata")))
                .isEqualTo(new Usage(12, 28, 4, false));
        assertThat(GeminiResponseMapper.usage(JsonFixtures.parse("{\"promptTokenCount\":3,\"toolUsePromptTokenCount\":2,"
                + "\"candidatesTokenCount\":1}"))).isEqualTo(new Usage(5, 1, 0, false));
        assertThat(GeminiResponseMapper.usage(null)).isNull();
    }

    @Test
    void errorsKeepTheirMessageAndStatusWithGrpcStatusAsCode() {
        OpenAiError error = GeminiErrors.toOpenAi(400, JsonFixtures.json("gemini/error-invalid-argument.json"));
        assertThat(error.status()).isEqualTo(400);
        assertThat(error.type()).isEqualTo("invalid_request_error");
        assertThat(error.code()).isEqualTo("invalid_argument");
        assertThat(error.message()).contains("contents is not specified");
        assertThat(GeminiErrors.toOpenAi(429, JsonFixtures.json("gemini/error-resource-exhausted.json")))
                .isEqualTo(new OpenAiError(429, "Resource has been exhausted (e.g. check quota).", "rate_limit_error", null,
                        "resource_exhausted"));
    }

    @Test
    void anInvalidApiKeyIsAnAuthenticationError() {
        assertThat(GeminiErrors.toOpenAi(400, JsonFixtures.json("gemini/error-api-key.json"))).isEqualTo(new OpenAiError(401,
                "API key not valid. Please pass a valid API key.", "authentication_error", null, "invalid_api_key"));
    }
}
