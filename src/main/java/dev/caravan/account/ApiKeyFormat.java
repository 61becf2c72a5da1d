package dev.caravan.account;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Caravan API keys: {@code cvn_live_} or {@code cvn_test_} followed by 40 random base62 characters (238 bits).
 * Only the SHA-256 of a key is stored: keys are random, so a fast hash cannot be reversed by guessing.
 */
public final class ApiKeyFormat {

    public static final String LIVE_PREFIX = "cvn_live_";
    public static final String TEST_PREFIX = "cvn_test_";
    private static final char[] BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int RANDOM_CHARS = 40;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeyFormat() {
    }

    public static String newKey(boolean test) {
        StringBuilder key = new StringBuilder(test ? TEST_PREFIX : LIVE_PREFIX);
        for (int i = 0; i < RANDOM_CHARS; i++) {
            key.append(BASE62[RANDOM.nextInt(BASE62.length)]);
        }
        return key.toString();
    }

    public static boolean looksLikeKey(String value) {
        return value != null && (value.startsWith(LIVE_PREFIX) || value.startsWith(TEST_PREFIX));
    }

    public static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** What may be shown of a key: its kind and first four random characters. */
    public static String prefix(String key) {
        int visible = Math.min(key.length(), LIVE_PREFIX.length() + 4);
        return key.substring(0, visible);
    }

    /** A key as OpenAI shows a wrong one: start and end, the middle starred. */
    public static String masked(String key) {
        if (key == null || key.length() < 12) {
            return "****";
        }
        return key.substring(0, Math.min(key.length() - 4, LIVE_PREFIX.length() + 4)) + "****" + key.substring(key.length() - 4);
    }
}
