package dev.caravan.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OpenAI requests from fixtures, translated to the Gemini generateContent requests they must become. */
class GeminiRequestMapperTest {

    private static JsonNode translate(String fixture) {
        return JsonFixtures.normalized(GeminiRequestMapper.toGenerateContentRequest(JsonFixtures.json(fixture)));
    }

    @Test
    void textSystemInstructionAndGenerationConfig() {
        assertThat(translate("gemini/request-text.openai.json")).isEqualTo(JsonFixtures.json("gemini/request-text.gemini.json"));
    }

    @Test
    void multiTurnWithInlineImageAndJsonSchema() {
        assertThat(translate("gemini/request-multiturn-images.openai.json"))
                .isEqualTo(JsonFixtures.json("gemini/request-multiturn-images.gemini.json"));
    }

    @Test
    void toolsParallelFunctionCallsAndFunctionResponses() {
        assertThat(translate("gemini/request-tools.openai.json")).isEqualTo(JsonFixtures.json("gemini/request-tools.gemini.json"));
    }

    @Test
    void thoughtSignaturesGoBackOnTheirFunctionCallsWithParallelCallsSignedOnlyOnTheFirst() {
        assertThat(translate("gemini/request-thought-signatures.openai.json"))
                .isEqualTo(JsonFixtures.json("gemini/request-thought-signatures.gemini.json"));
    }

    @Test
    void aTurnWhoseFirstCallHasNoSignatureGetsThePlaceholderOnThatCallOnly() {
        JsonNode parts = translate("gemini/request-tools.openai.json").at("/contents/1/parts");
        assertThat(parts.at("/0/functionCall/name").asText()).isEqualTo("get_weather");
        assertThat(parts.at("/0/thoughtSignature").asText()).isEqualTo("skip_thought_signature_validator");
        assertThat(parts.at("/1/functionCall/name").asText()).isEqualTo("get_time");
        assertThat(parts.get(1).has("thoughtSignature")).isFalse();
    }

    @Test
    void aLaterCallsSignatureIsKeptButDoesNotSpareTheFirstCallThePlaceholder() {
        ObjectNode request = withAssistantToolCalls("[" + call("a", "f", null) + "," + call("b", "g", "\"sig-b\"") + "]");
        JsonNode parts = GeminiRequestMapper.toGenerateContentRequest(request).at("/contents/1/parts");
        assertThat(parts.at("/0/thoughtSignature").asText()).isEqualTo("skip_thought_signature_validator");
        assertThat(parts.at("/1/thoughtSignature").asText()).isEqualTo("sig-b");
    }

    @Test
    void aSignatureThatIsNotAStringCountsAsAbsent() {
        ObjectNode request = withAssistantToolCalls("[" + call("a", "f", "{\"v\":1}") + "," + call("b", "g", "7") + "]");
        JsonNode parts = GeminiRequestMapper.toGenerateContentRequest(request).at("/contents/1/parts");
        assertThat(parts.at("/0/thoughtSignature").asText()).isEqualTo("skip_thought_signature_validator");
        assertThat(parts.get(1).has("thoughtSignature")).isFalse();
    }

    @Test
    void theClientsRequestIsLeftUnchanged() {
        ObjectNode request = JsonFixtures.json("gemini/request-tools.openai.json");
        ObjectNode before = request.deepCopy();
        GeminiRequestMapper.toGenerateContentRequest(request);
        assertThat(request).isEqualTo(before);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"auto\"     | {\"mode\":\"AUTO\"}",
        "\"none\"     | {\"mode\":\"NONE\"}",
        "\"required\" | {\"mode\":\"ANY\"}"
    })
    void toolChoice(String openAi, String gemini) {
        ObjectNode request = (ObjectNode) JsonFixtures.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + openAi + "}");
        assertThat(GeminiRequestMapper.toGenerateContentRequest(request).at("/toolConfig/functionCallingConfig"))
                .isEqualTo(JsonFixtures.parse(gemini));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"logprobs\":true                                      | logprobs",
        "\"top_logprobs\":2                                     | top_logprobs",
        "\"logit_bias\":{\"1\":5}                               | logit_bias",
        "\"audio\":{\"voice\":\"alloy\",\"format\":\"wav\"}     | audio",
        "\"function_call\":\"auto\"                             | function_call",
        "\"tools\":[{\"type\":\"custom\",\"custom\":{}}]        | tools[0].type"
    })
    void untranslatableParametersAreRefusedNamingTheParameter(String field, String param) {
        assertRefused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + field + "}", param);
    }

    @Test
    void anImageUrlThatIsNotInlineDataIsRefused() {
        assertRefused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"see\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}}]}]}",
                "messages[0].content[1].image_url.url");
    }

    @Test
    void aToolResultForAnUnknownCallIsRefused() {
        assertRefused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_x\",\"content\":\"42\"}]}", "messages[1].tool_call_id");
    }

    @Test
    void aJsonSchemaFormatWithoutASchemaIsRefused() {
        assertRefused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"x\"}}}", "response_format.json_schema.schema");
    }

    /** A user question, an assistant turn with {@code toolCalls}, and no tool results yet. */
    private static ObjectNode withAssistantToolCalls(String toolCalls) {
        return (ObjectNode) JsonFixtures.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":" + toolCalls + "}]}");
    }

    /** An OpenAI tool call; {@code signature} is the JSON of its thought signature, or null for none. */
    private static String call(String id, String name, String signature) {
        return "{\"id\":\"" + id + "\",\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"arguments\":\"{}\"}"
                + (signature == null ? "" : ",\"extra_content\":{\"google\":{\"thought_signature\":" + signature + "}}") + "}";
    }

    private static void assertRefused(String json, String param) {
        ObjectNode request = (ObjectNode) JsonFixtures.parse(json);
        assertThatThrownBy(() -> GeminiRequestMapper.toGenerateContentRequest(request))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.error().status()).isEqualTo(400);
                    assertThat(e.error().type()).isEqualTo("invalid_request_error");
                    assertThat(e.error().param()).isEqualTo(param);
                });
    }
}
