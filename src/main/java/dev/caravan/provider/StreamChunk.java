package dev.caravan.provider;

import dev.caravan.openai.Usage;

/**
 * One {@code chat.completion.chunk} in OpenAI's wire shape, kept as the JSON bytes that go to the client.
 * {@code usage} is set on the chunk that reports usage; {@code hasChoices} is false for OpenAI's trailing
 * usage-only chunk, which clients only get when they asked for it.
 */
public record StreamChunk(byte[] json, Usage usage, boolean hasChoices) {
}
