package dev.caravan.admin.http;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.JsonTypes;
import dev.caravan.text.SafeText;

/**
 * Typed, validated reads of request body fields. Each refusal is a 400 naming the field, worded like OpenAI's
 * own errors, so a client can fix its request without guessing. Money is read as an exact decimal (a JSON
 * number or a numeric string) and must fit the database's numeric(20,8).
 */
public final class JsonFields {

    /** The most a stored amount can be: numeric(20,8) holds 12 digits before the point. */
    private static final BigDecimal MONEY_LIMIT = new BigDecimal("1000000000000");
    private static final int MONEY_SCALE = 8;

    private JsonFields() {
    }

    /** Refuses fields this endpoint does not know, so a misspelt setting is not silently ignored. */
    public static void rejectUnknown(ObjectNode body, Set<String> known) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                throw ApiException.invalid("Unrecognized request argument supplied: " + name, name, "unknown_parameter");
            }
        }
    }

    /** Whether the body sets the field at all (to a value or to null): in a PATCH, absent means unchanged. */
    public static boolean present(ObjectNode body, String field) {
        return body.has(field);
    }

    public static String requiredText(ObjectNode body, String field, int maxLength) {
        String value = optionalText(body, field, maxLength);
        if (value == null) {
            throw ApiException.invalid("Missing required parameter: '" + field + "'.", field, "missing_required_parameter");
        }
        return value;
    }

    /** A non-blank string (trimmed), or null when the field is absent or null. */
    public static String optionalText(ObjectNode body, String field, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalidType(field, "a string", value);
        }
        String text = value.asText().trim();
        if (text.isEmpty()) {
            throw ApiException.invalid("Invalid '" + field + "': empty string.", field, "invalid_value");
        }
        if (text.length() > maxLength) {
            throw ApiException.invalid("Invalid '" + field + "': longer than " + maxLength + " characters.", field,
                    "invalid_value");
        }
        storable(text, field);
        return text;
    }

    public static Boolean optionalBoolean(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw invalidType(field, "a boolean", value);
        }
        return value.asBoolean();
    }

    /** An exact amount of dollars, at most 8 decimal places; null when absent or null. */
    public static BigDecimal optionalMoney(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        BigDecimal amount;
        if (value.isNumber()) {
            amount = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                amount = new BigDecimal(value.asText().trim());
            } catch (NumberFormatException e) {
                throw ApiException.invalid("Invalid '" + field + "': '" + value.asText() + "' is not a number.", field,
                        "invalid_value");
            }
        } else {
            throw invalidType(field, "a number", value);
        }
        if (amount.stripTrailingZeros().scale() > MONEY_SCALE) {
            throw ApiException.invalid("Invalid '" + field + "': amounts have at most " + MONEY_SCALE
                    + " decimal places.", field, "invalid_value");
        }
        if (amount.abs().compareTo(MONEY_LIMIT) >= 0) {
            throw ApiException.invalid("Invalid '" + field + "': amount too large.", field, "invalid_value");
        }
        return amount;
    }

    /** A budget: an amount of at least zero, or null for none. */
    public static BigDecimal optionalBudget(ObjectNode body, String field) {
        BigDecimal budget = optionalMoney(body, field);
        if (budget != null && budget.signum() < 0) {
            throw ApiException.invalid("Invalid '" + field + "': must be at least 0.", field, "invalid_value");
        }
        return budget;
    }

    /** An integer of at least 1, or null for none. */
    public static Integer optionalPositiveInt(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw invalidType(field, "an integer", value);
        }
        if (value.asInt() < 1) {
            throw ApiException.invalid("Invalid '" + field + "': integer below minimum value. Expected a value >= 1, "
                    + "but got " + value.asText() + " instead.", field, "integer_below_min_value");
        }
        return value.asInt();
    }

    /** A list of non-blank strings (trimmed); empty when the field is absent or null. */
    public static List<String> textList(ObjectNode body, String field, int maxItems, int maxLength) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return List.of();
        }
        if (!value.isArray()) {
            throw invalidType(field, "an array of strings", value);
        }
        if (value.size() > maxItems) {
            throw ApiException.invalid("Invalid '" + field + "': at most " + maxItems + " entries.", field, "invalid_value");
        }
        List<String> items = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String path = field + "[" + i + "]";
            if (!item.isTextual()) {
                throw invalidType(path, "a string", item);
            }
            String text = item.asText().trim();
            if (text.isEmpty() || text.length() > maxLength) {
                throw ApiException.invalid("Invalid '" + path + "': expected 1 to " + maxLength + " characters.", path,
                        "invalid_value");
            }
            storable(text, path);
            items.add(text);
        }
        return List.copyOf(items);
    }

    /** An ISO-8601 timestamp, or null when absent or null. */
    public static Instant optionalInstant(ObjectNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw invalidType(field, "an ISO-8601 timestamp string", value);
        }
        return parseInstant(value.asText().trim(), field);
    }

    /** {@code 2025-01-31T12:00:00Z}, with any offset, or a bare date meaning its midnight in UTC. */
    public static Instant parseInstant(String text, String param) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException notATimestamp) {
            try {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException notADate) {
                throw ApiException.invalid("Invalid '" + param + "': '" + text + "' is not an ISO-8601 timestamp "
                        + "such as 2025-01-31T12:00:00Z.", param, "invalid_value");
            }
        }
    }

    /** Refuses text the database or a log line cannot take as it is (see {@link SafeText}). */
    public static void storable(String text, String field) {
        String problem = SafeText.problem(text);
        if (problem != null) {
            throw ApiException.invalid("Invalid '" + field + "': " + problem + ".", field, "invalid_value");
        }
    }

    private static ApiException invalidType(String field, String expected, JsonNode value) {
        return ApiException.invalid("Invalid type for '" + field + "': expected " + expected + ", but got "
                + JsonTypes.name(value) + " instead.", field, "invalid_type");
    }
}
