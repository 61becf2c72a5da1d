package dev.caravan.provider;

import java.io.IOException;
import java.util.List;

import dev.caravan.openai.SseEvent;

/**
 * One stream's translation from the provider's server-sent events to OpenAI chunks, made by
 * {@link ProviderAdapter#stream} for each streamed call (it may keep state between events). It is called on
 * the event loop that reads the provider, so it must not block.
 */
public interface StreamTranslator {

    /**
     * The chunks one event maps to, often none. Throws {@link UpstreamStreamException} for an error event, and
     * another {@link IOException} for an event that cannot be read.
     */
    List<StreamChunk> onEvent(SseEvent event) throws IOException;

    /** True once the answer is complete (e.g. {@code [DONE]}, {@code message_stop}): later events are ignored. */
    boolean finished();

    /**
     * The provider closed the stream before {@link #finished()} said so: the chunks that still complete the
     * answer (Gemini ends by closing, and its usage chunk comes last), or an {@link IOException} when the answer
     * broke off.
     */
    List<StreamChunk> onClose() throws IOException;
}
