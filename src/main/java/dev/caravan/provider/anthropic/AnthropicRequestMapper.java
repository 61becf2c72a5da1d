package dev.caravan.provider.anthropic;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.provider.RequestTranslation;

import static dev.caravan.provider.RequestTranslation.containsText;
import static dev.caravan.provider.RequestTranslation.copyIfPresent;
import static dev.caravan.provider.RequestTranslation.textOnly;
import static dev.caravan.provider.RequestTranslation.turn;
import static dev.caravan.provider.RequestTranslation.unsupportedParameter;
import static dev.caravan.provider.RequestTranslation.unsupportedValue;

/**
 * Translates an OpenAI chat completion request into an Anthropic Messages API request
 * ({@code POST /v1/messages}). Pure: JSON in, JSON out, no HTTP. A request that cannot be translated
 * faithfully is refused with an {@link ApiException} (400 {@code invalid_request_error} naming the
 * {@code param}), never sent half-translated. The adapter turns the refusal into a
 * {@code ProviderResult.Rejected}, so it reaches the client as a 400 and does not fail over.
 *
 * <p><b>Mapped</b>
 * <ul>
 * <li>{@code system} and {@code developer} messages, wherever they stand, are lifted in order into
 *     {@code system} (a string for one message, text blocks for several).</li>
 * <li>{@code user} / {@code assistant} messages become turns; consecutive messages of the same role are
 *     merged into one turn, since Anthropic wants user and assistant turns to alternate.</li>
 * <li>text parts to {@code text} blocks (empty text is left out: Anthropic refuses empty text blocks);
 *     {@code image_url} with a {@code data:<type>;base64,} URL to an {@code image} block with a
 *     {@code base64} source, with an {@code http(s)} URL to an {@code image} block with a {@code url} source.</li>
 * <li>assistant {@code tool_calls} to {@code tool_use} blocks (the arguments string parsed to the
 *     {@code input} object); {@code tool} messages to {@code tool_result} blocks in a user turn.</li>
 * <li>{@code max_completion_tokens}, else {@code max_tokens}, else the instance's default (4096 unless
 *     the route sets {@code maxTokens}) to {@code max_tokens}, which Anthropic requires.</li>
 * <li>{@code temperature} (0 to 1), {@code top_p}, {@code stop} to {@code stop_sequences},
 *     {@code stream}, {@code user} to {@code metadata.user_id}.</li>
 * <li>{@code tools} (type {@code function}) to Anthropic tools ({@code parameters} to
 *     {@code input_schema}); {@code tool_choice} {@code auto}/{@code none}/{@code required}/named function
 *     to {@code auto}/{@code none}/{@code any}/{@code tool}; {@code parallel_tool_calls: false} to
 *     {@code disable_parallel_tool_use: true}.</li>
 * </ul>
 * <p><b>Dropped</b> (no Anthropic equivalent, and leaving them out does not change what the answer
 * means): {@code frequency_penalty}, {@code presence_penalty}, {@code seed}, {@code store},
 * {@code metadata}, {@code service_tier}, {@code prediction}, {@code reasoning_effort},
 * {@code verbosity}, {@code stream_options} (Caravan always meters streams), {@code n: 1},
 * {@code logprobs: false}, {@code response_format: text}, a tool's {@code strict}, an image's
 * {@code detail}, a message's {@code name}, and any field not listed here.
 * <p><b>Refused</b> with 400: {@code n} above 1, {@code temperature} above 1, {@code logprobs: true} and
 * {@code top_logprobs}, a non-empty {@code logit_bias}, {@code response_format} {@code json_object} or
 * {@code json_schema}, {@code audio} and audio {@code modalities}, {@code web_search_options}, the legacy
 * {@code functions} / {@code function_call} and {@code function} role, tools that are not functions,
 * content parts other than text and images, image URLs that are neither base64 data URLs nor http(s), and
 * tool call arguments that are not a JSON object.
 */
public final class AnthropicRequestMapper {

    /** Used as {@code max_tokens} when the client sets no limit and the route configures none. */
    public static final int DEFAULT_MAX_TOKENS = 4096;

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AnthropicRequestMapper() {
    }

    /**
     * The Anthropic request for {@code request} (left unchanged), addressed to {@code model}.
     *
     * @throws ApiException 400 when a parameter cannot be translated
     */
    public static ObjectNode toMessagesRequest(ObjectNode request, String model, int defaultMaxTokens) {
        refuseUntranslatable(request);
        ObjectNode out = F.objectNode();
        out.put("model", model);
        out.put("max_tokens", maxTokens(request, defaultMaxTokens));
        ArrayNode system = F.arrayNode();
        ArrayNode messages = F.arrayNode();
        translateMessages(request.path("messages"), system, messages);
        if (system.size() == 1) {
            out.set("system", system.get(0).get("text"));
        } else if (!system.isEmpty()) {
            out.set("system", system);
        }
        out.set("messages", messages);
        copyIfPresent(request, "temperature", out, "temperature");
        copyIfPresent(request, "top_p", out, "top_p");
        ArrayNode stops = stopSequences(request.get("stop"));
        if (stops != null) {
            out.set("stop_sequences", stops);
        }
        translateTools(request, out);
        if (request.hasNonNull("user")) {
            out.putObject("metadata").put("user_id", request.get("user").asText());
        }
        if (request.path("stream").asBoolean(false)) {
            out.put("stream", true);
        }
        return out;
    }

    private static void refuseUntranslatable(ObjectNode request) {
        if (request.path("n").asInt(1) > 1) {
            throw unsupportedValue("Anthropic returns one choice per request: 'n' greater than 1 is not supported.",
                    "n");
        }
        JsonNode temperature = request.get("temperature");
        if (temperature != null && temperature.isNumber() && temperature.asDouble() > 1) {
            throw unsupportedValue("Anthropic accepts a 'temperature' between 0 and 1; got "
                    + temperature.asText() + ".", "temperature");
        }
        if (request.path("logprobs").asBoolean(false)) {
            throw unsupportedParameter("Anthropic does not return log probabilities: 'logprobs' is not supported.",
                    "logprobs");
        }
        if (request.hasNonNull("top_logprobs")) {
            throw unsupportedParameter("Anthropic does not return log probabilities: 'top_logprobs' is not supported.",
                    "top_logprobs");
        }
        JsonNode logitBias = request.get("logit_bias");
        if (logitBias != null && logitBias.isObject() && !logitBias.isEmpty()) {
            throw unsupportedParameter("Anthropic has no token biasing: 'logit_bias' is not supported.", "logit_bias");
        }
        String format = request.path("response_format").path("type").asText("text");
        if (!"text".equals(format)) {
            throw unsupportedValue("Anthropic has no JSON mode: 'response_format' of type '" + format
                    + "' is not supported.", "response_format");
        }
        if (request.hasNonNull("audio") || containsText(request.get("modalities"), "audio")) {
            throw unsupportedParameter("Anthropic does not produce audio.",
                    request.hasNonNull("audio") ? "audio" : "modalities");
        }
        if (request.hasNonNull("web_search_options")) {
            throw unsupportedParameter("'web_search_options' is not supported by this provider.", "web_search_options");
        }
        for (String legacy : new String[] {"functions", "function_call"}) {
            if (request.hasNonNull(legacy)) {
                throw unsupportedParameter("'" + legacy + "' is deprecated and not translated; use 'tools' and "
                        + "'tool_choice'.", legacy);
            }
        }
    }

    private static long maxTokens(ObjectNode request, int defaultMaxTokens) {
        if (request.hasNonNull("max_completion_tokens")) {
            return request.get("max_completion_tokens").asLong();
        }
        if (request.hasNonNull("max_tokens")) {
            return request.get("max_tokens").asLong();
        }
        return defaultMaxTokens;
    }

    private static void translateMessages(JsonNode messages, ArrayNode system, ArrayNode out) {
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String path = "messages[" + i + "]";
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> system.addObject().put("type", "text")
                        .put("text", textOnly(message.get("content"), path + ".content"));
                case "user" -> turn(out, "user", "content").addAll(userBlocks(message.get("content"), path + ".content"));
                case "assistant" -> turn(out, "assistant", "content").addAll(assistantBlocks(message, path));
                case "tool" -> turn(out, "user", "content").add(toolResult(message, path));
                default -> throw unsupportedValue("Messages of role '" + role + "' are not translated; use 'tool' "
                        + "messages for tool results.", path + ".role");
            }
        }
    }

    private static ArrayNode userBlocks(JsonNode content, String path) {
        ArrayNode blocks = F.arrayNode();
        if (content == null || content.isNull()) {
            return blocks;
        }
        if (content.isTextual()) {
            addText(blocks, content.asText());
            return blocks;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = path + "[" + j + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> addText(blocks, part.path("text").asText());
                case "image_url" -> blocks.add(image(part.path("image_url"), partPath + ".image_url.url"));
                default -> throw unsupportedValue("Content parts of type '" + type + "' are not supported by "
                        + "Anthropic; send text or image_url parts.", partPath + ".type");
            }
        }
        return blocks;
    }

    private static ObjectNode image(JsonNode imageUrl, String path) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText();
        ObjectNode block = F.objectNode().put("type", "image");
        ObjectNode source = block.putObject("source");
        if (url.startsWith("data:")) {
            int comma = url.indexOf(',');
            int base64 = url.indexOf(";base64");
            if (comma < 0 || base64 < 0 || base64 > comma) {
                throw unsupportedValue("Image data URLs must be base64 encoded (data:<type>;base64,...).", path);
            }
            source.put("type", "base64");
            source.put("media_type", url.substring("data:".length(), base64));
            source.put("data", url.substring(comma + 1));
        } else if (url.startsWith("https://") || url.startsWith("http://")) {
            source.put("type", "url");
            source.put("url", url);
        } else {
            throw unsupportedValue("Image URLs must be http(s) URLs or base64 data URLs.", path);
        }
        return block;
    }

    private static ArrayNode assistantBlocks(JsonNode message, String path) {
        ArrayNode blocks = F.arrayNode();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual()) {
            addText(blocks, content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                // a refusal the model gave earlier is part of what it said
                addText(blocks, part.has("refusal") ? part.path("refusal").asText() : part.path("text").asText());
            }
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (int k = 0; k < toolCalls.size(); k++) {
                JsonNode call = toolCalls.get(k);
                String callPath = path + ".tool_calls[" + k + "]";
                ObjectNode block = blocks.addObject();
                block.put("type", "tool_use");
                block.put("id", call.path("id").asText());
                block.put("name", call.path("function").path("name").asText());
                String argumentsPath = callPath + ".function.arguments";
                block.set("input", RequestTranslation.argumentsObject(call.path("function").path("arguments"), argumentsPath,
                        "Anthropic"));
            }
        }
        return blocks;
    }

    private static ObjectNode toolResult(JsonNode message, String path) {
        if (!message.hasNonNull("tool_call_id")) {
            throw ApiException.invalid("Missing required parameter: '" + path + ".tool_call_id'.",
                    path + ".tool_call_id", "missing_required_parameter");
        }
        ObjectNode block = F.objectNode();
        block.put("type", "tool_result");
        block.put("tool_use_id", message.get("tool_call_id").asText());
        block.put("content", textOnly(message.get("content"), path + ".content"));
        return block;
    }

    private static void translateTools(ObjectNode request, ObjectNode out) {
        JsonNode tools = request.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return;
        }
        ArrayNode translated = out.putArray("tools");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asText())) {
                throw unsupportedValue("Only tools of type 'function' can be sent to Anthropic.",
                        "tools[" + i + "].type");
            }
            JsonNode function = tool.path("function");
            ObjectNode anthropicTool = translated.addObject();
            anthropicTool.put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                anthropicTool.put("description", function.get("description").asText());
            }
            JsonNode parameters = function.get("parameters");
            if (parameters instanceof ObjectNode schema) {
                anthropicTool.set("input_schema", schema.deepCopy());
            } else {
                anthropicTool.putObject("input_schema").put("type", "object").putObject("properties");
            }
        }
        ObjectNode choice = toolChoice(request.get("tool_choice"));
        if (request.path("parallel_tool_calls").isBoolean() && !request.get("parallel_tool_calls").asBoolean()) {
            if (choice == null) {
                choice = F.objectNode().put("type", "auto");
            }
            if (!"none".equals(choice.path("type").asText())) {
                choice.put("disable_parallel_tool_use", true);
            }
        }
        if (choice != null) {
            out.set("tool_choice", choice);
        }
    }

    private static ObjectNode toolChoice(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            Map<String, String> types = Map.of("auto", "auto", "none", "none", "required", "any");
            String type = types.get(choice.asText());
            if (type == null) {
                throw ApiException.invalid("Invalid value for 'tool_choice': '" + choice.asText() + "'.", "tool_choice",
                        "invalid_value");
            }
            return F.objectNode().put("type", type);
        }
        String name = choice.path("function").path("name").asText("");
        if (name.isEmpty()) {
            throw ApiException.invalid("Invalid 'tool_choice': expected a function name.", "tool_choice.function.name",
                    "invalid_value");
        }
        return F.objectNode().put("type", "tool").put("name", name);
    }

    private static ArrayNode stopSequences(JsonNode stop) {
        if (stop == null || stop.isNull()) {
            return null;
        }
        ArrayNode sequences = F.arrayNode();
        if (stop.isTextual()) {
            sequences.add(stop.asText());
        } else {
            stop.forEach(s -> sequences.add(s.asText()));
        }
        return sequences.isEmpty() ? null : sequences;
    }

    private static void addText(ArrayNode blocks, String text) {
        if (!text.isEmpty()) {
            blocks.addObject().put("type", "text").put("text", text);
        }
    }
}
