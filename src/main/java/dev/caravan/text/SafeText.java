package dev.caravan.text;

/**
 * Text that a client (or a provider) sent and Caravan stores or logs. PostgreSQL refuses a NUL in a text value
 * and the UTF-8 encoder turns an unpaired surrogate into {@code ?}; control characters forge log lines. So
 * every such string is checked where it comes in ({@link #problem}: a 400 naming the field) and made safe where
 * it is stored ({@link #forStorage}), so that no value can make a ledger row or an audit entry unwritable.
 */
public final class SafeText {

    private static final char REPLACEMENT = '\uFFFD';

    private SafeText() {
    }

    /** Why {@code text} cannot be taken as it is (a NUL, a control character, an unpaired surrogate), or null. */
    public static String problem(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "contains a NUL character";
            }
            if (isControl(c)) {
                return String.format("contains a control character (U+%04X)", (int) c);
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired UTF-16 surrogate";
            }
        }
        return null;
    }

    /**
     * {@code text} as it can always be stored: control characters and unpaired surrogates replaced by U+FFFD,
     * cut to {@code maxChars} without splitting a surrogate pair. The same string when nothing needs changing.
     */
    public static String forStorage(String text, int maxChars) {
        if (text == null || (text.length() <= maxChars && problem(text) == null)) {
            return text;
        }
        int end = Math.min(text.length(), maxChars);
        if (end > 0 && end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))
                && Character.isLowSurrogate(text.charAt(end))) {
            end--;
        }
        StringBuilder safe = new StringBuilder(end);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(text.charAt(i + 1))) {
                safe.append(c).append(text.charAt(++i));
            } else if (c == 0 || isControl(c) || Character.isSurrogate(c)) {
                safe.append(REPLACEMENT);
            } else {
                safe.append(c);
            }
        }
        return safe.toString();
    }

    /** C0 and C1 controls and DEL; tab, newline and carriage return count too, since they split log lines. */
    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }
}
