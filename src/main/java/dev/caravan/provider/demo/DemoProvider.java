package dev.caravan.provider.demo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.call.CallContext;
import dev.caravan.call.Operation;
import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.TokenCounter;
import dev.caravan.openai.Usage;
import dev.caravan.provider.ProviderResult;
import dev.caravan.provider.ProviderTarget;
import io.vertx.core.Vertx;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The built-in provider behind the {@code demo} route template: deterministic text with real token counts,
 * streamed word by word with a pause between chunks like a real model, and deterministic unit-length
 * embeddings. It lets the quick start and the tests run without any API key.
 */
@Component("demoProvider")
public class DemoProvider {

    /** Exchange property the template sets from its {@code chunkDelayMs} parameter. */
    public static final String CHUNK_DELAY_PROPERTY = "caravan.demo.chunkDelayMs";

    private static final int DEFAULT_DIMENSIONS = 256;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Vertx vertx;

    public DemoProvider(Vertx vertx) {
        this.vertx = vertx;
        // load the tokenizer now (in the background) rather than on the first request
        TokenCounter.preload();
    }

    public ProviderResult answer(Exchange exchange) {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        if (call.operation() == Operation.EMBEDDINGS) {
            return embeddings(call.body(), target.model());
        }
        long delayMs = exchange.getProperty(CHUNK_DELAY_PROPERTY, 0L, Long.class);
        JsonNode messages = call.body().path("messages");
        List<String> words = DemoText.words(messages);
        long maxTokens = call.body().path("max_completion_tokens").asLong(call.body().path("max_tokens").asLong(0));
        boolean truncated = false;
        if (maxTokens > 0 && words.size() > maxTokens) {
            // one word is at least one token: cutting by words keeps the answer within max_tokens
            words = new ArrayList<>(words.subList(0, (int) maxTokens));
            truncated = true;
        }
        String text = String.join("", words);
        Usage usage = new Usage(TokenCounter.countMessages(messages), TokenCounter.count(text), 0, false);
        String id = "chatcmpl-demo" + Long.toHexString(DemoText.seed(messages.toString()));
        long created = System.currentTimeMillis() / 1000;
        int choices = Math.max(1, call.body().path("n").asInt(1));
        String finishReason = truncated ? "length" : "stop";
        if (call.stream()) {
            return new ProviderResult.Streaming(DemoStream.of(vertx, id, created, target.model(), words, choices, finishReason,
                    multiply(usage, choices), delayMs));
        }
        ObjectNode completion = NODES.objectNode();
        completion.put("id", id);
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", target.model());
        ArrayNode choiceArray = completion.putArray("choices");
        for (int i = 0; i < choices; i++) {
            ObjectNode choice = choiceArray.addObject();
            choice.put("index", i);
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            message.put("content", text);
            message.putNull("refusal");
            choice.putNull("logprobs");
            choice.put("finish_reason", finishReason);
        }
        completion.set("usage", multiply(usage, choices).toJson());
        completion.put("system_fingerprint", "fp_caravan_demo");
        return new ProviderResult.Completed(completion, multiply(usage, choices));
    }

    private static Usage multiply(Usage usage, int choices) {
        return new Usage(usage.promptTokens(), usage.completionTokens() * choices, 0, false);
    }

    private ProviderResult embeddings(ObjectNode body, String model) {
        JsonNode input = body.get("input");
        List<String> inputs = new ArrayList<>();
        if (input.isTextual()) {
            inputs.add(input.asText());
        } else {
            for (JsonNode item : input) {
                inputs.add(item.isTextual() ? item.asText() : item.toString());
            }
        }
        int dimensions = body.path("dimensions").asInt(DEFAULT_DIMENSIONS);
        if (dimensions < 1 || dimensions > 4096) {
            return new ProviderResult.Rejected(OpenAiError.invalidRequest("dimensions must be between 1 and 4096", "dimensions"));
        }
        boolean base64 = "base64".equals(body.path("encoding_format").asText("float"));
        ObjectNode response = NODES.objectNode();
        response.put("object", "list");
        ArrayNode data = response.putArray("data");
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            float[] vector = vector(inputs.get(i), dimensions);
            ObjectNode item = data.addObject();
            item.put("object", "embedding");
            item.put("index", i);
            if (base64) {
                ByteBuffer buffer = ByteBuffer.allocate(dimensions * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float v : vector) {
                    buffer.putFloat(v);
                }
                item.put("embedding", Base64.getEncoder().encodeToString(buffer.array()));
            } else {
                ArrayNode values = item.putArray("embedding");
                for (float v : vector) {
                    values.add(v);
                }
            }
            tokens += TokenCounter.count(inputs.get(i));
        }
        response.put("model", model);
        ObjectNode usage = response.putObject("usage");
        usage.put("prompt_tokens", tokens);
        usage.put("total_tokens", tokens);
        return new ProviderResult.Completed(response, new Usage(tokens, 0, 0, false));
    }

    /** A unit-length vector seeded by the text: the same text always maps to the same point. */
    static float[] vector(String text, int dimensions) {
        SplittableRandom random = new SplittableRandom(DemoText.seed(text));
        float[] vector = new float[dimensions];
        double norm = 0;
        for (int i = 0; i < dimensions; i++) {
            vector[i] = (float) (random.nextDouble() * 2 - 1);
            norm += vector[i] * vector[i];
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }
}
