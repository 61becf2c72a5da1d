package dev.caravan.provider;

import dev.caravan.openai.OpenAiError;
import dev.caravan.openai.Usage;

/**
 * What a provider route leaves in the message body: a finished answer, an open stream, or a business error
 * that goes back to the client as it is (no failover). Technical failures are thrown instead, as
 * {@link ProviderFailureException} or the HTTP client's own exception, so that the profile's failover EIP
 * moves on to the next provider.
 */
public sealed interface ProviderResult {

    /** A non-streamed answer: OpenAI-shaped JSON bytes, and the usage read from them. */
    record Completed(byte[] json, Usage usage) implements ProviderResult {
    }

    /** A streamed answer whose first chunk has arrived (so it is past the point of failover). */
    record Streaming(ChunkStream chunks) implements ProviderResult {
    }

    /** The provider refused the request itself (bad request, content policy, unknown model...). */
    record Rejected(OpenAiError error) implements ProviderResult {
    }
}
