package dev.caravan.upstream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.vertx.core.MultiMap;

/**
 * An immutable, ordered list of HTTP header fields; names compare case-insensitively and may repeat. A small
 * type of its own (rather than Vert.x's mutable {@link MultiMap}) because requests and responses cross threads
 * and Camel routes: once built, nobody can change one underneath another. {@link #toString()} masks the values
 * of credential-bearing headers so that a request or response can be logged as it is.
 */
public final class Headers implements Iterable<Headers.Field> {

    /** One header field. Its {@code toString()} masks credentials, see {@link Headers#isSensitive}. */
    public record Field(String name, String value) {
        public Field {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("a header needs a name");
            }
            if (value == null) {
                throw new IllegalArgumentException("header " + name + " needs a value");
            }
        }

        @Override
        public String toString() {
            return name + ": " + (isSensitive(name) ? "***" : value);
        }
    }

    private static final Headers EMPTY = new Headers(List.of());

    private final List<Field> fields;

    private Headers(List<Field> fields) {
        this.fields = fields;
    }

    public static Headers empty() {
        return EMPTY;
    }

    /** Headers from name/value pairs: {@code Headers.of("authorization", "Bearer …", "content-type", "application/json")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of takes names and values in pairs");
        }
        List<Field> fields = new ArrayList<>(namesAndValues.length / 2);
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.add(new Field(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new Headers(List.copyOf(fields));
    }

    /** A snapshot of Vert.x headers (the response's own map is mutable and belongs to its connection). */
    public static Headers from(MultiMap headers) {
        if (headers == null || headers.isEmpty()) {
            return EMPTY;
        }
        List<Field> fields = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> entry : headers) {
            fields.add(new Field(entry.getKey(), entry.getValue()));
        }
        return new Headers(List.copyOf(fields));
    }

    /** These headers plus one more field (an existing field of that name stays: headers may repeat). */
    public Headers with(String name, String value) {
        List<Field> more = new ArrayList<>(fields.size() + 1);
        more.addAll(fields);
        more.add(new Field(name, value));
        return new Headers(List.copyOf(more));
    }

    /** The first value of {@code name}, or null. */
    public String first(String name) {
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                return field.value();
            }
        }
        return null;
    }

    /** Every value of {@code name}, in order. */
    public List<String> all(String name) {
        List<String> values = new ArrayList<>(1);
        for (Field field : fields) {
            if (field.name().equalsIgnoreCase(name)) {
                values.add(field.value());
            }
        }
        return values;
    }

    public List<Field> fields() {
        return fields;
    }

    public int size() {
        return fields.size();
    }

    public boolean isEmpty() {
        return fields.isEmpty();
    }

    @Override
    public Iterator<Field> iterator() {
        return fields.iterator();
    }

    /**
     * Whether a header carries a credential: authorization headers, provider key headers ({@code x-api-key},
     * {@code api-key}, {@code x-goog-api-key}), cookies, secrets, and names ending in "token" (but not
     * {@code x-ratelimit-remaining-tokens}, which says how much quota is left and helps when reading logs).
     */
    public static boolean isSensitive(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.contains("authorization") || lower.contains("api-key") || lower.contains("apikey")
                || lower.contains("cookie") || lower.contains("secret") || lower.endsWith("token");
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Headers headers && headers.fields.equals(fields);
    }

    @Override
    public int hashCode() {
        return fields.hashCode();
    }

    @Override
    public String toString() {
        return fields.toString();
    }
}
