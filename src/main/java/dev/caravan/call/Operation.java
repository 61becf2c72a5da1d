package dev.caravan.call;

/** The OpenAI operations Caravan routes; each maps to a path on OpenAI-compatible providers. */
public enum Operation {
    CHAT("/chat/completions"),
    EMBEDDINGS("/embeddings");

    private final String path;

    Operation(String path) {
        this.path = path;
    }

    /** The path below an OpenAI-compatible base URL. */
    public String path() {
        return path;
    }
}
