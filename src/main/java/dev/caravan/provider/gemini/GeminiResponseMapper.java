package dev.caravan.provider.gemini;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.Json;
import dev.caravan.openai.Usage;

/**
 * Translates a Gemini {@code GenerateContentResponse} into an OpenAI {@code chat.completion}. Pure, and
 * shared with the stream mapper for the rules both need: finish reasons, usage, tool call ids.
 *
 * <p>Each candidate is a choice. Its text parts are joined into {@code content} (parts marked
 * {@code thought} are left out); {@code functionCall} parts become {@code tool_calls}. Gemini gives a call
 * an id only sometimes, and OpenAI clients need one to answer it, so a missing id is made from the
 * response id: {@code call_<responseId>_<n>}. A {@code thoughtSignature} on a {@code functionCall} part goes
 * on its tool call as {@code extra_content.google.thought_signature}, as Google's own OpenAI-compatible
 * endpoint gives it: Gemini 3 wants it back with the call in the next turn's history, and OpenAI clients keep
 * the field. Signatures on text parts are left out (Gemini does not require them back). A prompt Gemini
 * blocked ({@code promptFeedback.blockReason}, no candidates) is one choice with no content and
 * {@code finish_reason: content_filter}.
 */
public final class GeminiResponseMapper {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private GeminiResponseMapper() {
    }

    /**
     * The OpenAI completion for a Gemini response.
     *
     * @param model      reported when the response names no {@code modelVersion}
     * @param fallbackId the completion id when the response has no {@code responseId}
     * @param created    the Unix time to report
     */
    public static ObjectNode toChatCompletion(JsonNode response, String model, String fallbackId, long created) {
        String id = response.path("responseId").asText(fallbackId);
        ObjectNode completion = F.objectNode();
        completion.put("id", id);
        completion.put("object", "chat.completion");
        completion.put("created", created);
        completion.put("model", response.path("modelVersion").asText(model));
        ArrayNode choices = completion.putArray("choices");
        int toolCallCount = 0;
        JsonNode candidates = response.path("candidates");
        for (int c = 0; c < candidates.size(); c++) {
            JsonNode candidate = candidates.get(c);
            StringBuilder text = new StringBuilder();
            boolean hasText = false;
            ArrayNode toolCalls = F.arrayNode();
            for (JsonNode part : candidate.path("content").path("parts")) {
                if (part.has("text") && !part.path("thought").asBoolean(false)) {
                    text.append(part.get("text").asText());
                    hasText = true;
                } else if (part.has("functionCall")) {
                    toolCalls.add(toolCall(part, id, toolCallCount++));
                }
            }
            ObjectNode choice = choices.addObject();
            choice.put("index", candidate.path("index").asInt(c));
            ObjectNode message = choice.putObject("message");
            message.put("role", "assistant");
            if (hasText) {
                message.put("content", text.toString());
            } else {
                message.putNull("content");
            }
            if (!toolCalls.isEmpty()) {
                message.set("tool_calls", toolCalls);
            }
            choice.putNull("logprobs");
            String reason = candidate.path("finishReason").asText(null);
            choice.put("finish_reason", finishReason(reason, !toolCalls.isEmpty()));
        }
        if (choices.isEmpty()) {
            ObjectNode choice = choices.addObject();
            choice.put("index", 0);
            choice.putObject("message").put("role", "assistant").putNull("content");
            choice.putNull("logprobs");
            boolean blocked = response.path("promptFeedback").hasNonNull("blockReason");
            choice.put("finish_reason", blocked ? "content_filter" : "stop");
        }
        Usage usage = usage(response.get("usageMetadata"));
        if (usage != null) {
            completion.set("usage", usage.toJson());
        }
        return completion;
    }

    /**
     * One OpenAI tool call for a Gemini {@code functionCall} part, with the part's thought signature if it has
     * one; {@code n} numbers the calls of the response.
     */
    static ObjectNode toolCall(JsonNode part, String responseId, int n) {
        JsonNode functionCall = part.get("functionCall");
        ObjectNode call = F.objectNode();
        String id = functionCall.hasNonNull("id") ? functionCall.get("id").asText() : "call_" + responseId + "_" + n;
        call.put("id", id);
        call.put("type", "function");
        ObjectNode function = call.putObject("function");
        function.put("name", functionCall.path("name").asText());
        JsonNode args = functionCall.path("args").isObject() ? functionCall.get("args") : F.objectNode();
        function.put("arguments", new String(Json.bytes(args), StandardCharsets.UTF_8));
        JsonNode signature = part.get("thoughtSignature");
        if (signature != null && signature.isTextual()) {
            call.putObject("extra_content").putObject("google").put("thought_signature", signature.asText());
        }
        return call;
    }

    /**
     * Gemini's {@code finishReason} as an OpenAI {@code finish_reason}: {@code STOP} is {@code stop}, or
     * {@code tool_calls} when the candidate called functions (Gemini says {@code STOP} for both);
     * {@code MAX_TOKENS} is {@code length}; the safety family ({@code SAFETY}, {@code RECITATION},
     * {@code BLOCKLIST}, {@code PROHIBITED_CONTENT}, {@code SPII}, {@code IMAGE_SAFETY}) is
     * {@code content_filter}; anything else ({@code OTHER}, {@code LANGUAGE},
     * {@code MALFORMED_FUNCTION_CALL}...) is {@code stop}. Null stays null (not finished yet).
     */
    public static String finishReason(String reason, boolean calledFunctions) {
        if (reason == null) {
            return null;
        }
        return switch (reason) {
            case "STOP" -> calledFunctions ? "tool_calls" : "stop";
            case "MAX_TOKENS" -> "length";
            case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY" -> "content_filter";
            default -> "stop";
        };
    }

    /**
     * Gemini's {@code usageMetadata} as OpenAI usage: {@code prompt_tokens} = {@code promptTokenCount}
     * (which already includes cached content) + {@code toolUsePromptTokenCount};
     * {@code completion_tokens} = {@code candidatesTokenCount} + {@code thoughtsTokenCount} (thinking is
     * billed as output, as OpenAI's reasoning tokens are); {@code cached_tokens} =
     * {@code cachedContentTokenCount}. Null when there is no usage object.
     */
    public static Usage usage(JsonNode metadata) {
        if (metadata == null || !metadata.isObject()) {
            return null;
        }
        long prompt = metadata.path("promptTokenCount").asLong(0) + metadata.path("toolUsePromptTokenCount").asLong(0);
        long completion = metadata.path("candidatesTokenCount").asLong(0)
                + metadata.path("thoughtsTokenCount").asLong(0);
        return new Usage(prompt, completion, metadata.path("cachedContentTokenCount").asLong(0), false);
    }
}
