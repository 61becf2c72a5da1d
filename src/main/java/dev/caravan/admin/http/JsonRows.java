package dev.caravan.admin.http;

import java.math.BigDecimal;
import java.sql.ResultSetMetaData;
import java.sql.Timestamp;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.jdbc.core.RowMapper;

/**
 * Turns a query row into a JSON object, one field per selected column, for the read-only listings (usage,
 * transactions, audit) whose shape is the table's own. Money and times are written as {@link JsonOut} does.
 */
public final class JsonRows {

    private JsonRows() {
    }

    public static RowMapper<ObjectNode> mapper(String objectType) {
        return (rs, n) -> {
            ObjectNode node = JsonOut.object(objectType);
            ResultSetMetaData meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String column = meta.getColumnLabel(i);
                Object value = rs.getObject(i);
                if (value == null) {
                    node.putNull(column);
                } else if (value instanceof Timestamp timestamp) {
                    node.put(column, timestamp.toInstant().toString());
                } else if (value instanceof BigDecimal decimal) {
                    node.put(column, JsonOut.money(decimal));
                } else if (value instanceof Long || value instanceof Integer || value instanceof Short) {
                    node.put(column, ((Number) value).longValue());
                } else if (value instanceof Boolean bool) {
                    node.put(column, bool);
                } else if (value instanceof UUID id) {
                    node.put(column, id.toString());
                } else {
                    node.put(column, value.toString());
                }
            }
            return node;
        };
    }
}
