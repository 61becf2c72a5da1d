package dev.caravan.upstream;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads how long a provider asks us to wait before trying again: {@code retry-after-ms} (OpenAI's
 * millisecond header, more precise, so it wins) or {@code Retry-After} as delay-seconds or an HTTP-date
 * (RFC 9110 §10.2.3). Anything unreadable counts as not said: the header is advice, never a reason to fail.
 */
final class RetryAfter {

    private RetryAfter() {
    }

    /** The delay the headers ask for, or null when they do not say. */
    static Duration from(Headers headers, Clock clock) {
        Duration millis = parseMillis(headers.first("retry-after-ms"));
        return millis != null ? millis : parse(headers.first("retry-after"), clock);
    }

    /** {@code Retry-After}: seconds (a fraction is tolerated) or an HTTP-date; a date in the past means now. */
    static Duration parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String text = value.trim();
        if (Character.isDigit(text.charAt(0))) {
            try {
                BigDecimal seconds = new BigDecimal(text);
                return seconds.signum() < 0 ? null : Duration.ofMillis(seconds.movePointRight(3).longValue());
            } catch (NumberFormatException | ArithmeticException e) {
                return null;
            }
        }
        try {
            ZonedDateTime at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME);
            Duration delay = Duration.between(clock.instant(), at.toInstant());
            return delay.isNegative() ? Duration.ZERO : delay;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Duration parseMillis(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            double millis = Double.parseDouble(value.trim());
            return millis < 0 || Double.isNaN(millis) || Double.isInfinite(millis) ? null : Duration.ofMillis((long) millis);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
