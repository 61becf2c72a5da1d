package dev.caravan.cache;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.provider.StreamChunk;

/**
 * A cached stream answered to a client that asked for JSON: its chunks assembled into the {@code chat.completion}
 * the provider would have sent. Per choice (by {@code index}): the text fields ({@code content},
 * {@code reasoning_content}, {@code reasoning}, {@code refusal}) are concatenated, null when no chunk had text;
 * {@code tool_calls} are assembled by their {@code index}, with {@code id}, {@code type} and the function's
 * {@code name} from their first chunk and the streamed {@code arguments} concatenated (the legacy
 * {@code function_call} likewise); array fields ({@code annotations}...) are concatenated; any other field keeps
 * its last value. {@code logprobs.content}/{@code refusal} are concatenated, {@code finish_reason} is the last one
 * given, and {@code usage} is the usage chunk's, as it was. The envelope ({@code id}, {@code created},
 * {@code model}, {@code system_fingerprint}...) is the chunks', with {@code object: chat.completion}.
 */
final class StreamCompletion {

    private static final Set<String> TEXT = Set.of("content", "reasoning_content", "reasoning", "refusal");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StreamCompletion() {
    }

    static ObjectNode of(List<StreamChunk> chunks) throws IOException {
        ObjectNode completion = NODES.objectNode();
        Map<Integer, Choice> choices = new TreeMap<>();
        JsonNode usage = null;
        for (StreamChunk chunk : chunks) {
            JsonNode node = Json.read(chunk.json());
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                switch (field.getKey()) {
                    case "object" -> completion.put("object", "chat.completion");
                    case "choices" -> {
                        if (!completion.has("choices")) {
                            completion.putNull("choices"); // its place among the fields; filled below
                        }
                        int position = 0;
                        for (JsonNode choice : field.getValue()) {
                            int index = choice.path("index").asInt(position++);
                            choices.computeIfAbsent(index, Choice::new).add(choice);
                        }
                    }
                    case "usage" -> {
                        if (field.getValue().isObject()) {
                            usage = field.getValue();
                        }
                    }
                    default -> {
                        if (!completion.has(field.getKey()) || completion.get(field.getKey()).isNull()) {
                            completion.set(field.getKey(), field.getValue());
                        }
                    }
                }
            }
        }
        ArrayNode out = NODES.arrayNode();
        choices.values().forEach(choice -> out.add(choice.build()));
        completion.set("choices", out);
        if (usage != null) {
            completion.set("usage", usage);
        }
        return completion;
    }

    /** One choice, assembled from its deltas. */
    private static final class Choice {

        private final int index;
        private final ObjectNode message = NODES.objectNode();
        private final Map<String, StringBuilder> texts = new LinkedHashMap<>();
        private final Map<Integer, ObjectNode> toolCalls = new TreeMap<>();
        private final Map<Integer, StringBuilder> toolArguments = new TreeMap<>();
        private ObjectNode functionCall;
        private StringBuilder functionArguments;
        private ObjectNode logprobs;
        private JsonNode finishReason = NODES.nullNode();

        Choice(int index) {
            this.index = index;
            message.putNull("role");
            message.putNull("content");
        }

        void add(JsonNode choice) {
            JsonNode delta = choice.get("delta");
            if (delta != null && delta.isObject()) {
                delta.fields().forEachRemaining(field -> addField(field.getKey(), field.getValue()));
            }
            JsonNode chunkLogprobs = choice.get("logprobs");
            if (chunkLogprobs != null && chunkLogprobs.isObject()) {
                if (logprobs == null) {
                    logprobs = NODES.objectNode();
                }
                chunkLogprobs.fields().forEachRemaining(field -> {
                    JsonNode have = logprobs.get(field.getKey());
                    if (field.getValue().isArray() && have != null && have.isArray()) {
                        ((ArrayNode) have).addAll((ArrayNode) field.getValue());
                    } else if (!field.getValue().isNull() || have == null) {
                        logprobs.set(field.getKey(), field.getValue().deepCopy());
                    }
                });
            }
            JsonNode finish = choice.get("finish_reason");
            if (finish != null && !finish.isNull()) {
                finishReason = finish;
            }
        }

        private void addField(String name, JsonNode value) {
            if (TEXT.contains(name)) {
                if (!message.has(name)) {
                    message.putNull(name);
                }
                if (value.isTextual()) {
                    texts.computeIfAbsent(name, ignored -> new StringBuilder()).append(value.asText());
                }
            } else if ("tool_calls".equals(name) && value.isArray()) {
                if (!message.has(name)) {
                    message.putNull(name);
                }
                int position = 0;
                for (JsonNode call : value) {
                    addToolCall(call.path("index").asInt(position++), call);
                }
            } else if ("function_call".equals(name) && value.isObject()) {
                if (functionCall == null) {
                    functionCall = NODES.objectNode();
                    functionArguments = new StringBuilder();
                    message.putNull(name);
                }
                mergeFunction(functionCall, functionArguments, value);
            } else if ("role".equals(name)) {
                if (message.get("role").isNull() && !value.isNull()) {
                    message.set("role", value);
                }
            } else if (value.isArray() && message.get(name) instanceof ArrayNode have) {
                have.addAll(((ArrayNode) value).deepCopy());
            } else if (!value.isNull() || !message.has(name)) {
                message.set(name, value.deepCopy());
            }
        }

        private void addToolCall(int callIndex, JsonNode delta) {
            ObjectNode call = toolCalls.computeIfAbsent(callIndex, ignored -> NODES.objectNode());
            StringBuilder arguments = toolArguments.computeIfAbsent(callIndex, ignored -> new StringBuilder());
            delta.fields().forEachRemaining(field -> {
                String name = field.getKey();
                JsonNode value = field.getValue();
                if ("index".equals(name)) {
                    return;
                }
                if ("function".equals(name) && value.isObject()) {
                    ObjectNode function = call.get("function") instanceof ObjectNode have ? have : call.putObject("function");
                    mergeFunction(function, arguments, value);
                } else if (firstWins(call, name, value)) {
                    call.set(name, value);
                }
            });
        }

        /** A function's name comes once (some providers repeat it); its arguments are streamed in pieces. */
        private static void mergeFunction(ObjectNode function, StringBuilder arguments, JsonNode delta) {
            delta.fields().forEachRemaining(field -> {
                if ("arguments".equals(field.getKey())) {
                    if (!function.has("arguments")) {
                        function.putNull("arguments");
                    }
                    if (field.getValue().isTextual()) {
                        arguments.append(field.getValue().asText());
                    }
                } else if (firstWins(function, field.getKey(), field.getValue())) {
                    function.set(field.getKey(), field.getValue());
                }
            });
        }

        /** Whether {@code value} is the first real value of {@code name} (an id, a type, a name). */
        private static boolean firstWins(ObjectNode into, String name, JsonNode value) {
            JsonNode have = into.get(name);
            return have == null || have.isNull() || have.isTextual() && have.asText().isEmpty() && !value.isNull();
        }

        ObjectNode build() {
            ObjectNode choice = NODES.objectNode();
            choice.put("index", index);
            if (message.get("role").isNull()) {
                message.put("role", "assistant");
            }
            texts.forEach((name, text) -> message.put(name, text.toString()));
            if (message.has("tool_calls")) {
                ArrayNode calls = message.putArray("tool_calls");
                toolCalls.forEach((callIndex, call) -> {
                    if (call.get("function") instanceof ObjectNode function && function.has("arguments")) {
                        function.put("arguments", toolArguments.get(callIndex).toString());
                    }
                    calls.add(call);
                });
            }
            if (functionCall != null) {
                if (functionCall.has("arguments")) {
                    functionCall.put("arguments", functionArguments.toString());
                }
                message.set("function_call", functionCall);
            }
            choice.set("message", message);
            choice.set("logprobs", logprobs == null ? NODES.nullNode() : logprobs);
            choice.set("finish_reason", finishReason);
            return choice;
        }
    }
}
