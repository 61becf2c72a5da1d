package dev.caravan.alerts;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of a generic JSON webhook's request, so its receiver can tell it came from this gateway and was
 * not replayed: {@code X-Caravan-Signature: sha256=<hex>} is HMAC-SHA256, keyed with the webhook's secret, of
 * {@code <X-Caravan-Timestamp>.<body bytes>}; the timestamp is the sending time in Unix seconds. Binding the
 * timestamp into the signature lets a receiver refuse an old request (say, older than five minutes) without
 * trusting an unsigned header.
 */
public final class WebhookSignature {

    public static final String SIGNATURE_HEADER = "X-Caravan-Signature";
    public static final String TIMESTAMP_HEADER = "X-Caravan-Timestamp";

    private WebhookSignature() {
    }

    /** {@code sha256=<lowercase hex>} of {@code timestamp + "." + body} under {@code secret}. */
    public static String sign(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
