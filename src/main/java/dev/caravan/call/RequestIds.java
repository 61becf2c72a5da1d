package dev.caravan.call;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** The {@code x-request-id} of a request: the client's own when it is sane, else a new random one. */
public final class RequestIds {

    /** The MDC key under which log lines carry the request id the client sees. */
    public static final String MDC_KEY = "requestId";

    public static final String HEADER = "x-request-id";
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {
    }

    public static String fromClientOrNew(String clientValue) {
        String sane = sane(clientValue);
        return sane != null ? sane : newId();
    }

    /** The client's value if it is safe to echo and log, else null. */
    public static String sane(String clientValue) {
        return clientValue != null && SAFE.matcher(clientValue).matches() ? clientValue : null;
    }

    public static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] id = new char[28];
        "req_".getChars(0, 4, id, 0);
        long a = random.nextLong();
        long b = random.nextLong();
        for (int i = 0; i < 12; i++) {
            id[4 + i] = HEX[(int) (a >>> (i * 4)) & 0xf];
            id[16 + i] = HEX[(int) (b >>> (i * 4)) & 0xf];
        }
        return new String(id);
    }
}
