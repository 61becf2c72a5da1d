package dev.caravan.admin.http;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * How accounts responses write values: money as exact decimals without trailing zeros ({@code 8.01}, not
 * {@code 8.01000000}), times as ISO-8601 UTC, absent values as JSON null, lists in OpenAI's
 * {@code {"object":"list","data":[...]}} shape.
 */
public final class JsonOut {

    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    public static final String CURRENCY = "USD";

    private JsonOut() {
    }

    public static ObjectNode object(String type) {
        ObjectNode node = NODES.objectNode();
        node.put("object", type);
        return node;
    }

    public static ObjectNode list(Collection<? extends JsonNode> items) {
        ObjectNode list = object("list");
        ArrayNode data = list.putArray("data");
        data.addAll(items);
        return list;
    }

    /** A page of a longer list: {@code has_more} says whether asking with a larger offset gives more. */
    public static ObjectNode page(List<? extends JsonNode> itemsPlusOne, int limit) {
        boolean more = itemsPlusOne.size() > limit;
        ObjectNode list = list(more ? itemsPlusOne.subList(0, limit) : itemsPlusOne);
        list.put("has_more", more);
        return list;
    }

    public static BigDecimal money(BigDecimal amount) {
        return amount == null ? null : amount.stripTrailingZeros();
    }

    public static void putMoney(ObjectNode node, String field, BigDecimal amount) {
        if (amount == null) {
            node.putNull(field);
        } else {
            node.put(field, money(amount));
        }
    }

    public static void putTime(ObjectNode node, String field, Instant time) {
        if (time == null) {
            node.putNull(field);
        } else {
            node.put(field, time.toString());
        }
    }

    public static void putId(ObjectNode node, String field, UUID id) {
        if (id == null) {
            node.putNull(field);
        } else {
            node.put(field, id.toString());
        }
    }

    public static void putText(ObjectNode node, String field, String text) {
        if (text == null) {
            node.putNull(field);
        } else {
            node.put(field, text);
        }
    }

    public static void putInt(ObjectNode node, String field, Integer value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    public static void putTexts(ObjectNode node, String field, List<String> values) {
        ArrayNode array = node.putArray(field);
        if (values != null) {
            values.forEach(array::add);
        }
    }
}
