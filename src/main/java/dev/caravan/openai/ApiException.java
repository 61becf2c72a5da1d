package dev.caravan.openai;

import dev.caravan.openai.OpenAiError;

/** A request Caravan refuses; carries the OpenAI-shaped error the client gets. */
public class ApiException extends RuntimeException {

    private final OpenAiError error;

    public ApiException(OpenAiError error) {
        super(error.message(), null, false, false);
        this.error = error;
    }

    public OpenAiError error() {
        return error;
    }

    public static ApiException invalid(String message, String param) {
        return new ApiException(OpenAiError.invalidRequest(message, param));
    }

    public static ApiException invalid(String message, String param, String code) {
        return new ApiException(OpenAiError.invalidRequest(message, param, code));
    }
}
