package dev.caravan.provider.gemini;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.TokenCounter;
import dev.caravan.openai.Usage;

/**
 * Translates {@code POST /v1/embeddings} to Gemini's {@code batchEmbedContents} and back. Pure.
 *
 * <p><b>Mapped</b>: each {@code input} string to one request of {@code requests} (text part);
 * {@code dimensions} to {@code outputDimensionality}; {@code encoding_format: base64} is honoured by
 * encoding Gemini's floats as OpenAI does (little-endian float32, base64). <b>Dropped</b>: {@code user}.
 * <b>Refused</b> with 400: token arrays as {@code input} (Gemini embeds text only).
 * <p>Gemini reports no token usage for embeddings; the usage returned is counted by Caravan
 * ({@link TokenCounter}) and marked estimated.
 */
public final class GeminiEmbeddingsMapper {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private GeminiEmbeddingsMapper() {
    }

    /**
     * The {@code batchEmbedContents} request for an OpenAI embeddings request.
     *
     * @throws ApiException 400 when the input is not text
     */
    public static ObjectNode toBatchEmbedRequest(ObjectNode request, String model) {
        ObjectNode out = F.objectNode();
        ArrayNode requests = out.putArray("requests");
        for (String text : inputs(request)) {
            ObjectNode one = requests.addObject();
            one.put("model", "models/" + model);
            one.putObject("content").putArray("parts").addObject().put("text", text);
            if (request.hasNonNull("dimensions")) {
                one.put("outputDimensionality", request.get("dimensions").asInt());
            }
        }
        return out;
    }

    /** The texts to embed, in order. */
    public static List<String> inputs(ObjectNode request) {
        JsonNode input = request.path("input");
        List<String> texts = new ArrayList<>();
        if (input.isTextual()) {
            texts.add(input.asText());
            return texts;
        }
        for (JsonNode item : input) {
            if (!item.isTextual()) {
                throw ApiException.invalid("Gemini embeds text only: 'input' must be a string or an array of strings, "
                        + "not tokens.", "input", "unsupported_value");
            }
            texts.add(item.asText());
        }
        return texts;
    }

    /** The OpenAI embeddings list for a {@code batchEmbedContents} response. */
    public static ObjectNode toEmbeddingsResponse(JsonNode response, String model, boolean base64, Usage usage) {
        ObjectNode out = F.objectNode();
        out.put("object", "list");
        ArrayNode data = out.putArray("data");
        JsonNode embeddings = response.path("embeddings");
        for (int i = 0; i < embeddings.size(); i++) {
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            JsonNode values = embeddings.get(i).path("values");
            if (base64) {
                item.put("embedding", base64(values));
            } else {
                item.set("embedding", values.deepCopy());
            }
        }
        out.put("model", model);
        ObjectNode usageJson = out.putObject("usage");
        usageJson.put("prompt_tokens", usage.promptTokens());
        usageJson.put("total_tokens", usage.totalTokens());
        return out;
    }

    /** Caravan's own count of the input tokens (Gemini reports none for embeddings). */
    public static Usage estimatedUsage(ObjectNode request) {
        long tokens = 0;
        for (String text : inputs(request)) {
            tokens += TokenCounter.count(text);
        }
        return new Usage(tokens, 0, 0, true);
    }

    private static String base64(JsonNode values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.size() * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode value : values) {
            buffer.putFloat((float) value.asDouble());
        }
        return Base64.getEncoder().encodeToString(buffer.array());
    }
}
