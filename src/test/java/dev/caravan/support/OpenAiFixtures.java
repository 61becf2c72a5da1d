package dev.caravan.support;

/** OpenAI wire payloads as providers send them, for stubbing upstreams. */
public final class OpenAiFixtures {

    private OpenAiFixtures() {
    }

    public static String completion(String model, String content) {
        return """
                {"id":"chatcmpl-abc123","object":"chat.completion","created":1731000000,"model":"%s",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},\
                "logprobs":null,"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17,\
                "prompt_tokens_details":{"cached_tokens":0}},"system_fingerprint":"fp_44709d6fcb"}"""
                .formatted(model, content);
    }

    public static String chunk(String model, String content) {
        return """
                {"id":"chatcmpl-abc123","object":"chat.completion.chunk","created":1731000000,"model":"%s",\
                "choices":[{"index":0,"delta":{"content":"%s"},"logprobs":null,"finish_reason":null}],"usage":null}"""
                .formatted(model, content);
    }

    public static String usageChunk(String model) {
        return """
                {"id":"chatcmpl-abc123","object":"chat.completion.chunk","created":1731000000,"model":"%s",\
                "choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"""
                .formatted(model);
    }

    /** A whole OpenAI stream body: role chunk, the given contents, finish chunk, usage chunk, [DONE]. */
    public static String stream(String model, String... contents) {
        StringBuilder sse = new StringBuilder();
        sse.append("data: ").append("""
                {"id":"chatcmpl-abc123","object":"chat.completion.chunk","created":1731000000,"model":"%s",\
                "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],\
                "usage":null}""".formatted(model)).append("\n\n");
        for (String content : contents) {
            sse.append("data: ").append(chunk(model, content)).append("\n\n");
        }
        sse.append("data: ").append("""
                {"id":"chatcmpl-abc123","object":"chat.completion.chunk","created":1731000000,"model":"%s",\
                "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}],"usage":null}"""
                .formatted(model)).append("\n\n");
        sse.append("data: ").append(usageChunk(model)).append("\n\n");
        sse.append("data: [DONE]\n\n");
        return sse.toString();
    }

    public static String error(String type, String message, String code) {
        return """
                {"error":{"message":"%s","type":"%s","param":null,"code":%s}}"""
                .formatted(message, type, code == null ? "null" : "\"" + code + "\"");
    }
}
