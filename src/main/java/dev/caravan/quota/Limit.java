package dev.caravan.quota;

/** The four rate limits a call can be under: requests and tokens per minute, of its API key and of its user. */
enum Limit {

    KEY_RPM("key_rpm", false, "this API key"),
    KEY_TPM("key_tpm", true, "this API key"),
    USER_RPM("user_rpm", false, "this user"),
    USER_TPM("user_tpm", true, "this user");

    /** The metric tag ({@code caravan_ratelimit_rejections_total{limit}}). */
    final String tag;
    /** Whether it counts tokens (else requests). */
    final boolean tokens;
    /** Whose limit it is, as the 429's message says it. */
    final String owner;

    Limit(String tag, boolean tokens, String owner) {
        this.tag = tag;
        this.tokens = tokens;
        this.owner = owner;
    }

    /** "requests per minute (RPM)" or "tokens per minute (TPM)". */
    String perMinute() {
        return tokens ? "tokens per minute (TPM)" : "requests per minute (RPM)";
    }
}
