package dev.caravan.provider.gemini;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Usage;
import dev.caravan.support.JsonFixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** OpenAI embeddings requests to Gemini's batchEmbedContents, and its answer back. */
class GeminiEmbeddingsMapperTest {

    @Test
    void inputsBecomeOneRequestEach() {
        assertThat(JsonFixtures.normalized(GeminiEmbeddingsMapper.toBatchEmbedRequest(
                JsonFixtures.json("gemini/embeddings.openai.json"), "text-embedding-004")))
                .isEqualTo(JsonFixtures.json("gemini/embeddings.gemini.json"));
    }

    @Test
    void floatsComeBackInOpenAisListShape() {
        Usage usage = new Usage(9, 0, 0, true);
        JsonNode list = JsonFixtures.normalized(GeminiEmbeddingsMapper.toEmbeddingsResponse(
                JsonFixtures.json("gemini/embeddings-response.gemini.json"), "text-embedding-004", false, usage));
        assertThat(list).isEqualTo(JsonFixtures.parse("{\"object\":\"list\",\"data\":["
                + "{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.013168523,-0.008711934,-0.046782676]},"
                + "{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.5,-0.25,1.0]}],"
                + "\"model\":\"text-embedding-004\",\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9}}"));
    }

    @Test
    void base64IsLittleEndianFloat32AsOpenAiEncodesIt() {
        JsonNode list = GeminiEmbeddingsMapper.toEmbeddingsResponse(JsonFixtures.json("gemini/embeddings-response.gemini.json"),
                "m", true, new Usage(1, 0, 0, true));
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(list.at("/data/1/embedding").asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(bytes.remaining()).isEqualTo(12);
        assertThat(new float[] {bytes.getFloat(), bytes.getFloat(), bytes.getFloat()}).containsExactly(0.5f, -0.25f, 1.0f);
    }

    @Test
    void usageIsCountedByCaravanAndMarkedEstimated() {
        Usage usage = GeminiEmbeddingsMapper.estimatedUsage(JsonFixtures.json("gemini/embeddings.openai.json"));
        assertThat(usage.estimated()).isTrue();
        assertThat(usage.promptTokens()).isBetween(6L, 14L);
    }

    @Test
    void tokenArraysAreRefused() {
        ObjectNode request = (ObjectNode) JsonFixtures.parse("{\"model\":\"m\",\"input\":[[1,2,3]]}");
        assertThatThrownBy(() -> GeminiEmbeddingsMapper.toBatchEmbedRequest(request, "m"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.error().param()).isEqualTo("input"));
    }
}
