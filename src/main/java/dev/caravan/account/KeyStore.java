package dev.caravan.account;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** API keys in PostgreSQL, looked up by the hash of the key. */
@Repository
public class KeyStore {

    private static final String COLUMNS = "id, user_id, name, key_prefix, test, admin, scopes, expires_at, revoked_at, "
            + "ip_allowlist, allowed_referrers, daily_budget, monthly_budget, rate_limit_rpm, rate_limit_tpm, "
            + "rotated_from, created_at";

    private final JdbcTemplate jdbc;

    public KeyStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** A key found by its hash, with whether its owner is disabled and the owner's own rate limits. */
    public record Found(ApiKey key, byte[] hash, boolean userDisabled, Integer userRpm, Integer userTpm) {

        public Found(ApiKey key, byte[] hash, boolean userDisabled) {
            this(key, hash, userDisabled, null, null);
        }
    }

    public Optional<Found> findByHash(byte[] hash) {
        return jdbc.query("select k.key_hash, u.disabled as user_disabled, u.rate_limit_rpm as user_rpm, "
                + "u.rate_limit_tpm as user_tpm, " + prefixed("k") + " from api_keys k "
                + "join users u on u.id = k.user_id where k.key_hash = ?",
                (rs, n) -> new Found(ROW.mapRow(rs, n), rs.getBytes("key_hash"), rs.getBoolean("user_disabled"),
                        (Integer) rs.getObject("user_rpm"), (Integer) rs.getObject("user_tpm")),
                (Object) hash).stream().findFirst();
    }

    private static String prefixed(String alias) {
        return alias + "." + COLUMNS.replace(", ", ", " + alias + ".");
    }

    public Optional<ApiKey> find(UUID id) {
        return jdbc.query("select " + COLUMNS + " from api_keys where id = ?", ROW, id).stream().findFirst();
    }

    public List<ApiKey> forUser(UUID userId) {
        return jdbc.query("select " + COLUMNS + " from api_keys where user_id = ? order by created_at", ROW, userId);
    }

    public boolean anyAdminKey() {
        Boolean any = jdbc.queryForObject("select exists(select 1 from api_keys where admin and revoked_at is null)",
                Boolean.class);
        return Boolean.TRUE.equals(any);
    }

    public void insert(ApiKey key, byte[] hash) {
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("insert into api_keys (id, user_id, name, key_hash, key_prefix, "
                    + "test, admin, scopes, expires_at, ip_allowlist, allowed_referrers, daily_budget, monthly_budget, "
                    + "rate_limit_rpm, rate_limit_tpm, rotated_from) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
            statement.setObject(1, key.id());
            statement.setObject(2, key.userId());
            statement.setString(3, key.name());
            statement.setBytes(4, hash);
            statement.setString(5, key.prefix());
            statement.setBoolean(6, key.test());
            statement.setBoolean(7, key.admin());
            statement.setArray(8, textArray(connection, key.scopes()));
            statement.setTimestamp(9, timestamp(key.expiresAt()));
            statement.setArray(10, textArray(connection, key.ipAllowlist()));
            statement.setArray(11, textArray(connection, key.allowedReferrers()));
            statement.setBigDecimal(12, key.dailyBudget());
            statement.setBigDecimal(13, key.monthlyBudget());
            statement.setObject(14, key.rateLimitRpm());
            statement.setObject(15, key.rateLimitTpm());
            statement.setObject(16, key.rotatedFrom());
            return statement;
        });
    }

    /** Replaces the settings of a key (not its secret). */
    public void update(ApiKey key) {
        jdbc.update(connection -> {
            var statement = connection.prepareStatement("update api_keys set name = ?, scopes = ?, expires_at = ?, "
                    + "ip_allowlist = ?, allowed_referrers = ?, daily_budget = ?, monthly_budget = ?, rate_limit_rpm = ?, "
                    + "rate_limit_tpm = ? where id = ?");
            statement.setString(1, key.name());
            statement.setArray(2, textArray(connection, key.scopes()));
            statement.setTimestamp(3, timestamp(key.expiresAt()));
            statement.setArray(4, textArray(connection, key.ipAllowlist()));
            statement.setArray(5, textArray(connection, key.allowedReferrers()));
            statement.setBigDecimal(6, key.dailyBudget());
            statement.setBigDecimal(7, key.monthlyBudget());
            statement.setObject(8, key.rateLimitRpm());
            statement.setObject(9, key.rateLimitTpm());
            statement.setObject(10, key.id());
            return statement;
        });
    }

    public boolean revoke(UUID id) {
        return jdbc.update("update api_keys set revoked_at = now() where id = ? and revoked_at is null", id) == 1;
    }

    private static Array textArray(java.sql.Connection connection, List<String> values) throws SQLException {
        return values == null || values.isEmpty() ? null : connection.createArrayOf("text", values.toArray());
    }

    private static Timestamp timestamp(Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private static final RowMapper<ApiKey> ROW = (rs, n) -> new ApiKey(
            rs.getObject("id", UUID.class), rs.getObject("user_id", UUID.class), rs.getString("name"),
            rs.getString("key_prefix"), rs.getBoolean("test"), rs.getBoolean("admin"), list(rs, "scopes"),
            instant(rs, "expires_at"), instant(rs, "revoked_at"), list(rs, "ip_allowlist"), list(rs, "allowed_referrers"),
            decimal(rs, "daily_budget"), decimal(rs, "monthly_budget"), (Integer) rs.getObject("rate_limit_rpm"),
            (Integer) rs.getObject("rate_limit_tpm"), rs.getObject("rotated_from", UUID.class), instant(rs, "created_at"));

    private static List<String> list(ResultSet rs, String column) throws SQLException {
        Array array = rs.getArray(column);
        return array == null ? List.of() : Arrays.asList((String[]) array.getArray());
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toInstant();
    }

    private static BigDecimal decimal(ResultSet rs, String column) throws SQLException {
        return rs.getBigDecimal(column);
    }
}
