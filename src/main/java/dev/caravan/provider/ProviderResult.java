package dev.caravan.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;

/**
 * What a provider route leaves in the message body: a finished answer, an open stream, or a business error
 * that goes back to the client as it is (no failover). Technical failures are thrown instead, as
 * {@link ProviderFailureException} or the HTTP client's own exception, so that the profile's failover EIP
 * moves on to the next provider.
 */
public sealed interface ProviderResult {

    /**
     * A non-streamed answer: the OpenAI-shaped JSON object, and the usage read from it. It stays a tree until it
     * is written, so the response writer adds the cost without parsing the answer again.
     */
    record Completed(ObjectNode json, Usage usage) implements ProviderResult {
    }

    /** A streamed answer whose first chunk has arrived (so it is past the point of failover). */
    record Streaming(ChunkStream chunks) implements ProviderResult {
    }

    /** The provider refused the request itself (bad request, content policy, unknown model...). */
    record Rejected(OpenAiError error) implements ProviderResult {
    }
}
