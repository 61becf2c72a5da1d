package dev.caravan.provider;

import java.io.IOException;

import dev.caravan.openai.OpenAiError;

/** A provider reported an error inside a stream it had already started. */
public class UpstreamStreamException extends IOException {

    private final OpenAiError error;

    public UpstreamStreamException(OpenAiError error) {
        super(error.message());
        this.error = error;
    }

    public OpenAiError error() {
        return error;
    }
}
