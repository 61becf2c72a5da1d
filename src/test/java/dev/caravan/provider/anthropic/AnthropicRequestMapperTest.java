package dev.caravan.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** OpenAI requests from fixtures, translated to the Anthropic Messages requests they must become. */
class AnthropicRequestMapperTest {

    private static JsonNode translate(String fixture) {
        return JsonFixtures.normalized(AnthropicRequestMapper.toMessagesRequest(JsonFixtures.json(fixture), "claude-test", 4096));
    }

    @Test
    void textWithSamplingParametersAndDroppedOnes() {
        assertThat(translate("anthropic/request-text.openai.json"))
                .isEqualTo(JsonFixtures.json("anthropic/request-text.anthropic.json"));
    }

    @Test
    void multiTurnLiftsSystemAndDeveloperMessagesMergesTurnsAndDefaultsMaxTokens() {
        assertThat(translate("anthropic/request-multiturn.openai.json"))
                .isEqualTo(JsonFixtures.json("anthropic/request-multiturn.anthropic.json"));
    }

    @Test
    void imagesFromDataUrlsAndHttpsUrls() {
        assertThat(translate("anthropic/request-images.openai.json"))
                .isEqualTo(JsonFixtures.json("anthropic/request-images.anthropic.json"));
    }

    @Test
    void toolsParallelToolCallsAndToolResults() {
        assertThat(translate("anthropic/request-tools.openai.json"))
                .isEqualTo(JsonFixtures.json("anthropic/request-tools.anthropic.json"));
    }

    @Test
    void theClientsRequestIsLeftUnchanged() {
        ObjectNode request = JsonFixtures.json("anthropic/request-tools.openai.json");
        ObjectNode before = request.deepCopy();
        AnthropicRequestMapper.toMessagesRequest(request, "claude-test", 4096);
        assertThat(request).isEqualTo(before);
    }

    @Test
    void theRoutesDefaultMaxTokensIsUsedWhenTheClientSetsNone() {
        ObjectNode request = (ObjectNode) JsonFixtures.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertThat(AnthropicRequestMapper.toMessagesRequest(request, "claude-test", 1000).get("max_tokens").asInt())
                .isEqualTo(1000);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"auto\"                                          | {\"type\":\"auto\"}",
        "\"none\"                                          | {\"type\":\"none\"}",
        "\"required\"                                      | {\"type\":\"any\"}",
        "{\"type\":\"function\",\"function\":{\"name\":\"f\"}} | {\"type\":\"tool\",\"name\":\"f\"}"
    })
    void toolChoice(String openAi, String anthropic) {
        ObjectNode request = (ObjectNode) JsonFixtures.parse("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],\"tool_choice\":" + openAi + "}");
        assertThat(AnthropicRequestMapper.toMessagesRequest(request, "claude-test", 4096).get("tool_choice"))
                .isEqualTo(JsonFixtures.parse(anthropic));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"n\":2                                                   | n",
        "\"temperature\":1.5                                       | temperature",
        "\"logprobs\":true                                         | logprobs",
        "\"top_logprobs\":3                                        | top_logprobs",
        "\"logit_bias\":{\"50256\":-100}                           | logit_bias",
        "\"response_format\":{\"type\":\"json_object\"}            | response_format",
        "\"modalities\":[\"text\",\"audio\"]                       | modalities",
        "\"functions\":[{\"name\":\"f\"}]                          | functions",
        "\"tools\":[{\"type\":\"web_search_preview\"}]             | tools[0].type"
    })
    void untranslatableParametersAreRefusedNamingTheParameter(String field, String param) {
        ObjectNode request = (ObjectNode) JsonFixtures.parse(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]," + field + "}");
        ApiException refused = catchThrowableOfType(ApiException.class,
                () -> AnthropicRequestMapper.toMessagesRequest(request, "claude-test", 4096));
        assertThat(refused).isNotNull();
        assertThat(refused.error().status()).isEqualTo(400);
        assertThat(refused.error().type()).isEqualTo("invalid_request_error");
        assertThat(refused.error().param()).isEqualTo(param);
    }

    @Test
    void untranslatableContentIsRefusedNamingThePart() {
        assertRefused("{\"role\":\"user\",\"content\":[{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"AAA\",\"format\":\"wav\"}}]}",
                "messages[0].content[0].type");
        assertRefused("{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"ftp://example.com/a.png\"}}]}",
                "messages[0].content[0].image_url.url");
        assertRefused("{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"t\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"not json\"}}]}",
                "messages[0].tool_calls[0].function.arguments");
        assertRefused("{\"role\":\"function\",\"name\":\"f\",\"content\":\"x\"}", "messages[0].role");
    }

    private static void assertRefused(String message, String param) {
        ObjectNode request = (ObjectNode) JsonFixtures.parse("{\"model\":\"m\",\"messages\":[" + message + "]}");
        assertThatThrownBy(() -> AnthropicRequestMapper.toMessagesRequest(request, "claude-test", 4096))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().param()).isEqualTo(param));
    }
}
