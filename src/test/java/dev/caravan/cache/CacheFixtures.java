package dev.caravan.cache;

import java.util.List;

/** A provider's answers in OpenAI's exact wire format, with every kind of field a cache must keep. */
final class CacheFixtures {

    private CacheFixtures() {
    }

    private static final String ENVELOPE = "{\"id\":\"chatcmpl-cache1\",\"object\":\"chat.completion.chunk\","
            + "\"created\":1731000000,\"model\":\"model-live\",\"system_fingerprint\":\"fp_c4ch3\",\"choices\":[";

    private static String chunk(String delta, String logprobs, String finish) {
        return ENVELOPE + "{\"index\":0,\"delta\":" + delta + ",\"logprobs\":" + logprobs + ",\"finish_reason\":" + finish
                + "}],\"usage\":null}";
    }

    /**
     * A reasoning model calling two tools: reasoning deltas, content with logprobs, tool calls with their
     * arguments streamed in pieces, the finish, and the usage chunk with cached and reasoning token details.
     */
    static final List<String> TOOL_STREAM = List.of(
            chunk("{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"}", "null", "null"),
            chunk("{\"reasoning_content\":\"Let me think\"}", "null", "null"),
            chunk("{\"reasoning_content\":\" about \\\"it\\\" \\u00e9.\"}", "null", "null"),
            chunk("{\"content\":\"Calling\"}", "{\"content\":[{\"token\":\"Calling\",\"logprob\":-0.0100,"
                    + "\"bytes\":[67,97,108,108,105,110,103],\"top_logprobs\":[]}],\"refusal\":null}", "null"),
            chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_abc\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", "null", "null"),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}", "null", "null"),
            chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}", "null", "null"),
            chunk("{\"tool_calls\":[{\"index\":1,\"id\":\"call_def\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}", "null", "null"),
            chunk("{}", "null", "\"tool_calls\""),
            "{\"id\":\"chatcmpl-cache1\",\"object\":\"chat.completion.chunk\",\"created\":1731000000,"
                    + "\"model\":\"model-live\",\"system_fingerprint\":\"fp_c4ch3\",\"choices\":[],\"usage\":"
                    + "{\"prompt_tokens\":20,\"completion_tokens\":30,\"total_tokens\":50,"
                    + "\"prompt_tokens_details\":{\"cached_tokens\":8},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":12}}}");

    /** The completion that {@link #TOOL_STREAM} assembles to. */
    static final String TOOL_STREAM_AS_COMPLETION = "{\"id\":\"chatcmpl-cache1\",\"object\":\"chat.completion\","
            + "\"created\":1731000000,\"model\":\"model-live\",\"system_fingerprint\":\"fp_c4ch3\",\"choices\":[{"
            + "\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Calling\","
            + "\"reasoning_content\":\"Let me think about \\\"it\\\" \\u00e9.\",\"tool_calls\":["
            + "{\"id\":\"call_abc\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\","
            + "\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}},"
            + "{\"id\":\"call_def\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]},"
            + "\"logprobs\":{\"content\":[{\"token\":\"Calling\",\"logprob\":-0.0100,"
            + "\"bytes\":[67,97,108,108,105,110,103],\"top_logprobs\":[]}],\"refusal\":null},"
            + "\"finish_reason\":\"tool_calls\"}],"
            + "\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":30,\"total_tokens\":50,"
            + "\"prompt_tokens_details\":{\"cached_tokens\":8},\"completion_tokens_details\":{\"reasoning_tokens\":12}}}";

    /** A non-streamed answer with reasoning, a refusal field, a tool call and logprobs. */
    static String completion(String content) {
        return "{\"id\":\"chatcmpl-json1\",\"object\":\"chat.completion\",\"created\":1731000001,\"model\":\"model-live\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + content + "\","
                + "\"reasoning_content\":\"Thought 1.\",\"refusal\":null,\"tool_calls\":[{\"id\":\"call_9\","
                + "\"type\":\"function\",\"function\":{\"name\":\"lookup\",\"arguments\":\"{\\\"q\\\":1}\"}}],"
                + "\"annotations\":[]},"
                + "\"logprobs\":{\"content\":[{\"token\":\"A\",\"logprob\":-0.5,\"bytes\":[65],\"top_logprobs\":[]}],"
                + "\"refusal\":null},\"finish_reason\":\"tool_calls\"}],"
                + "\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":0}},\"system_fingerprint\":\"fp_json\"}";
    }
}
