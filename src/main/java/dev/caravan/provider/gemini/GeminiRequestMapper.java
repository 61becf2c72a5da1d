package dev.caravan.provider.gemini;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.Json;
import dev.caravan.provider.RequestTranslation;

import static dev.caravan.provider.RequestTranslation.containsText;
import static dev.caravan.provider.RequestTranslation.copyIfPresent;
import static dev.caravan.provider.RequestTranslation.textOnly;
import static dev.caravan.provider.RequestTranslation.turn;
import static dev.caravan.provider.RequestTranslation.unsupportedParameter;
import static dev.caravan.provider.RequestTranslation.unsupportedValue;

/**
 * Translates an OpenAI chat completion request into a Gemini {@code generateContent} request (the same body
 * serves {@code streamGenerateContent}). Pure: JSON in, JSON out, no HTTP. A request that cannot be
 * translated faithfully is refused with an {@link ApiException} (400 {@code invalid_request_error} naming
 * the {@code param}); the adapter answers it as a {@code ProviderResult.Rejected}, without failover.
 *
 * <p><b>Mapped</b>
 * <ul>
 * <li>{@code system} and {@code developer} messages, in order, to {@code systemInstruction.parts}.</li>
 * <li>{@code user} to {@code user} contents, {@code assistant} to {@code model} contents; consecutive
 *     contents of the same role are merged (parallel tool results become one turn, as Gemini expects).</li>
 * <li>text parts to {@code text} parts; {@code image_url} base64 data URLs to {@code inlineData}.</li>
 * <li>assistant {@code tool_calls} to {@code functionCall} parts (arguments parsed to {@code args});
 *     {@code tool} messages to {@code functionResponse} parts in a user turn, named after the tool call
 *     they answer. A result that is a JSON object is the {@code response}; any other result is wrapped as
 *     {@code {"content": <text>}}.</li>
 * <li>a tool call's {@code extra_content.google.thought_signature} (as the response mappers give it) to
 *     {@code thoughtSignature} on its {@code functionCall} part. Gemini 3 refuses a history whose first
 *     function call of a model turn has no signature, so when that call has none (the turn came from another
 *     provider, or from a client that drops unknown fields) it gets Google's documented placeholder
 *     {@code skip_thought_signature_validator}. Later calls of the turn need none (Gemini signs only the
 *     first of parallel calls). A signature that is not a string counts as absent.</li>
 * <li>{@code generationConfig}: {@code temperature}, {@code top_p} to {@code topP},
 *     {@code max_completion_tokens} / {@code max_tokens} to {@code maxOutputTokens}, {@code stop} to
 *     {@code stopSequences}, {@code n} to {@code candidateCount}, {@code presence_penalty},
 *     {@code frequency_penalty}, {@code seed}; {@code response_format} {@code json_object} to
 *     {@code responseMimeType: application/json}, {@code json_schema} to that plus
 *     {@code responseJsonSchema}.</li>
 * <li>{@code tools} (functions) to one tool of {@code functionDeclarations} ({@code parameters} to
 *     {@code parametersJsonSchema}, which takes JSON Schema as OpenAI does); {@code tool_choice}
 *     {@code auto}/{@code none}/{@code required}/named function to {@code functionCallingConfig} mode
 *     {@code AUTO}/{@code NONE}/{@code ANY}/{@code ANY} with {@code allowedFunctionNames}.</li>
 * </ul>
 * <p><b>Dropped</b>: {@code parallel_tool_calls} (Gemini has no switch), {@code user}, {@code store},
 * {@code metadata}, {@code service_tier}, {@code prediction}, {@code reasoning_effort},
 * {@code verbosity}, {@code stream_options} (Caravan always meters streams), {@code logprobs: false},
 * {@code response_format: text}, a tool's {@code strict}, an image's {@code detail}, a message's
 * {@code name}, and any field not listed here.
 * <p><b>Refused</b> with 400: {@code logprobs: true} and {@code top_logprobs}, a non-empty
 * {@code logit_bias}, {@code audio} and audio {@code modalities}, {@code web_search_options}, the legacy
 * {@code functions} / {@code function_call} and {@code function} role, tools that are not functions,
 * image URLs that are not base64 data URLs (Gemini takes inline data or its own Files API URIs, and
 * Caravan does not download images), content parts other than text and images, tool call arguments that
 * are not a JSON object, and a {@code tool} message whose {@code tool_call_id} answers no earlier call.
 */
public final class GeminiRequestMapper {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * The signature Google documents for function calls Gemini did not produce
     * (https://ai.google.dev/gemini-api/docs/thought-signatures): it passes the validation.
     */
    static final String SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

    private GeminiRequestMapper() {
    }

    /**
     * The Gemini request for {@code request} (left unchanged).
     *
     * @throws ApiException 400 when a parameter cannot be translated
     */
    public static ObjectNode toGenerateContentRequest(ObjectNode request) {
        refuseUntranslatable(request);
        ObjectNode out = F.objectNode();
        ArrayNode systemParts = F.arrayNode();
        ArrayNode contents = out.putArray("contents");
        translateMessages(request.path("messages"), systemParts, contents);
        signFirstFunctionCalls(contents);
        if (!systemParts.isEmpty()) {
            out.putObject("systemInstruction").set("parts", systemParts);
        }
        translateTools(request, out);
        ObjectNode config = generationConfig(request);
        if (!config.isEmpty()) {
            out.set("generationConfig", config);
        }
        return out;
    }

    private static void refuseUntranslatable(ObjectNode request) {
        if (request.path("logprobs").asBoolean(false)) {
            throw unsupportedParameter("Log probabilities are not translated for Gemini: 'logprobs' is not supported.",
                    "logprobs");
        }
        if (request.hasNonNull("top_logprobs")) {
            throw unsupportedParameter("Log probabilities are not translated for Gemini: 'top_logprobs' is not "
                    + "supported.", "top_logprobs");
        }
        JsonNode logitBias = request.get("logit_bias");
        if (logitBias != null && logitBias.isObject() && !logitBias.isEmpty()) {
            throw unsupportedParameter("Gemini has no token biasing: 'logit_bias' is not supported.", "logit_bias");
        }
        if (request.hasNonNull("audio") || containsText(request.get("modalities"), "audio")) {
            throw unsupportedParameter("Audio output is not translated for Gemini.",
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

    private static void translateMessages(JsonNode messages, ArrayNode systemParts, ArrayNode contents) {
        Map<String, String> toolNames = new HashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String path = "messages[" + i + "]";
            String role = message.path("role").asText();
            switch (role) {
                case "system", "developer" -> systemParts.addObject()
                        .put("text", textOnly(message.get("content"), path + ".content"));
                case "user" -> turn(contents, "user", "parts").addAll(userParts(message.get("content"), path + ".content"));
                case "assistant" -> turn(contents, "model", "parts").addAll(modelParts(message, path, toolNames));
                case "tool" -> turn(contents, "user", "parts").add(functionResponse(message, path, toolNames));
                default -> throw unsupportedValue("Messages of role '" + role + "' are not translated; use 'tool' "
                        + "messages for tool results.", path + ".role");
            }
        }
    }

    private static ArrayNode userParts(JsonNode content, String path) {
        ArrayNode parts = F.arrayNode();
        if (content == null || content.isNull()) {
            return parts;
        }
        if (content.isTextual()) {
            parts.addObject().put("text", content.asText());
            return parts;
        }
        for (int j = 0; j < content.size(); j++) {
            JsonNode part = content.get(j);
            String partPath = path + "[" + j + "]";
            String type = part.path("type").asText();
            switch (type) {
                case "text" -> parts.addObject().put("text", part.path("text").asText());
                case "image_url" -> parts.add(inlineImage(part.path("image_url"), partPath + ".image_url.url"));
                default -> throw unsupportedValue("Content parts of type '" + type + "' are not supported by "
                        + "Gemini here; send text or image_url parts.", partPath + ".type");
            }
        }
        return parts;
    }

    private static ObjectNode inlineImage(JsonNode imageUrl, String path) {
        String url = imageUrl.isTextual() ? imageUrl.asText() : imageUrl.path("url").asText();
        int comma = url.indexOf(',');
        int base64 = url.indexOf(";base64");
        if (!url.startsWith("data:") || comma < 0 || base64 < 0 || base64 > comma) {
            throw unsupportedValue("Gemini takes images as inline data: send a base64 data URL "
                    + "(data:<type>;base64,...); Caravan does not download image URLs.", path);
        }
        ObjectNode part = F.objectNode();
        ObjectNode inline = part.putObject("inlineData");
        inline.put("mimeType", url.substring("data:".length(), base64));
        inline.put("data", url.substring(comma + 1));
        return part;
    }

    private static ArrayNode modelParts(JsonNode message, String path, Map<String, String> toolNames) {
        ArrayNode parts = F.arrayNode();
        JsonNode content = message.get("content");
        if (content != null && content.isTextual() && !content.asText().isEmpty()) {
            parts.addObject().put("text", content.asText());
        } else if (content != null && content.isArray()) {
            for (JsonNode part : content) {
                String text = part.has("refusal") ? part.path("refusal").asText() : part.path("text").asText();
                if (!text.isEmpty()) {
                    parts.addObject().put("text", text);
                }
            }
        }
        JsonNode toolCalls = message.get("tool_calls");
        if (toolCalls != null && toolCalls.isArray()) {
            for (int k = 0; k < toolCalls.size(); k++) {
                JsonNode call = toolCalls.get(k);
                String name = call.path("function").path("name").asText();
                toolNames.put(call.path("id").asText(), name);
                ObjectNode part = parts.addObject();
                ObjectNode functionCall = part.putObject("functionCall");
                functionCall.put("name", name);
                functionCall.set("args", RequestTranslation.argumentsObject(call.path("function").path("arguments"),
                        path + ".tool_calls[" + k + "].function.arguments", "Gemini"));
                JsonNode signature = call.path("extra_content").path("google").get("thought_signature");
                if (signature != null && signature.isTextual()) {
                    part.put("thoughtSignature", signature.asText());
                }
            }
        }
        return parts;
    }

    /**
     * Gives the first {@code functionCall} part of each model turn the placeholder signature when it has none.
     * Done once the turns are merged, since Gemini checks the first call of a turn, not of a message.
     */
    private static void signFirstFunctionCalls(ArrayNode contents) {
        for (JsonNode content : contents) {
            if (!"model".equals(content.path("role").asText())) {
                continue;
            }
            for (JsonNode part : content.path("parts")) {
                if (part.has("functionCall")) {
                    if (!part.has("thoughtSignature")) {
                        ((ObjectNode) part).put("thoughtSignature", SKIP_THOUGHT_SIGNATURE);
                    }
                    break;
                }
            }
        }
    }

    private static ObjectNode functionResponse(JsonNode message, String path, Map<String, String> toolNames) {
        String id = message.path("tool_call_id").asText("");
        String name = toolNames.get(id);
        if (name == null) {
            throw ApiException.invalid("'" + path + ".tool_call_id' (" + id + ") answers no tool call of an earlier "
                    + "assistant message; Gemini needs the function's name.", path + ".tool_call_id", "invalid_value");
        }
        String text = textOnly(message.get("content"), path + ".content");
        ObjectNode response;
        JsonNode parsed = parse(text);
        if (parsed instanceof ObjectNode object) {
            response = object;
        } else {
            response = F.objectNode().put("content", text);
        }
        ObjectNode part = F.objectNode();
        ObjectNode functionResponse = part.putObject("functionResponse");
        functionResponse.put("name", name);
        functionResponse.set("response", response);
        return part;
    }

    private static void translateTools(ObjectNode request, ObjectNode out) {
        JsonNode tools = request.get("tools");
        if (tools == null || !tools.isArray() || tools.isEmpty()) {
            return;
        }
        ArrayNode declarations = out.putArray("tools").addObject().putArray("functionDeclarations");
        for (int i = 0; i < tools.size(); i++) {
            JsonNode tool = tools.get(i);
            if (!"function".equals(tool.path("type").asText())) {
                throw unsupportedValue("Only tools of type 'function' can be sent to Gemini.", "tools[" + i + "].type");
            }
            JsonNode function = tool.path("function");
            ObjectNode declaration = declarations.addObject();
            declaration.put("name", function.path("name").asText());
            if (function.hasNonNull("description")) {
                declaration.put("description", function.get("description").asText());
            }
            if (function.get("parameters") instanceof ObjectNode schema) {
                declaration.set("parametersJsonSchema", schema.deepCopy());
            }
        }
        ObjectNode calling = functionCallingConfig(request.get("tool_choice"));
        if (calling != null) {
            out.putObject("toolConfig").set("functionCallingConfig", calling);
        }
    }

    private static ObjectNode functionCallingConfig(JsonNode choice) {
        if (choice == null || choice.isNull()) {
            return null;
        }
        if (choice.isTextual()) {
            String mode = switch (choice.asText()) {
                case "auto" -> "AUTO";
                case "none" -> "NONE";
                case "required" -> "ANY";
                default -> throw ApiException.invalid("Invalid value for 'tool_choice': '" + choice.asText() + "'.",
                        "tool_choice", "invalid_value");
            };
            return F.objectNode().put("mode", mode);
        }
        String name = choice.path("function").path("name").asText("");
        if (name.isEmpty()) {
            throw ApiException.invalid("Invalid 'tool_choice': expected a function name.", "tool_choice.function.name",
                    "invalid_value");
        }
        ObjectNode config = F.objectNode().put("mode", "ANY");
        config.putArray("allowedFunctionNames").add(name);
        return config;
    }

    private static ObjectNode generationConfig(ObjectNode request) {
        ObjectNode config = F.objectNode();
        JsonNode stop = request.get("stop");
        if (stop != null && stop.isTextual()) {
            config.putArray("stopSequences").add(stop.asText());
        } else if (stop != null && stop.isArray() && !stop.isEmpty()) {
            ArrayNode sequences = config.putArray("stopSequences");
            stop.forEach(s -> sequences.add(s.asText()));
        }
        if (request.path("n").asInt(1) > 1) {
            config.put("candidateCount", request.get("n").asInt());
        }
        JsonNode maxTokens = request.hasNonNull("max_completion_tokens")
                ? request.get("max_completion_tokens") : request.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            config.put("maxOutputTokens", maxTokens.asLong());
        }
        copyIfPresent(request, "temperature", config, "temperature");
        copyIfPresent(request, "top_p", config, "topP");
        copyIfPresent(request, "presence_penalty", config, "presencePenalty");
        copyIfPresent(request, "frequency_penalty", config, "frequencyPenalty");
        copyIfPresent(request, "seed", config, "seed");
        JsonNode format = request.get("response_format");
        String type = format == null ? "text" : format.path("type").asText("text");
        if ("json_object".equals(type)) {
            config.put("responseMimeType", "application/json");
        } else if ("json_schema".equals(type)) {
            JsonNode schema = format.path("json_schema").get("schema");
            if (!(schema instanceof ObjectNode)) {
                throw ApiException.invalid("Missing required parameter: 'response_format.json_schema.schema'.",
                        "response_format.json_schema.schema", "missing_required_parameter");
            }
            config.put("responseMimeType", "application/json");
            config.set("responseJsonSchema", schema.deepCopy());
        } else if (!"text".equals(type)) {
            throw unsupportedValue("'response_format' of type '" + type + "' is not supported by Gemini.",
                    "response_format");
        }
        return config;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.read(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException notJson) {
            return null;
        }
    }
}
