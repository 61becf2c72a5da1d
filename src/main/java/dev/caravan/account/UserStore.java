package dev.caravan.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Repository;

/** Users in PostgreSQL; each user gets a wallet when created. */
@Repository
public class UserStore {

    /**
     * A user of the gateway.
     *
     * @param rateLimitRpm requests per minute across all of the user's keys; null for caravan.quota.user-rpm
     * @param rateLimitTpm tokens per minute across all of the user's keys; null for caravan.quota.user-tpm
     */
    public record User(UUID id, String email, String name, boolean disabled, Integer rateLimitRpm,
            Integer rateLimitTpm, Instant createdAt) {
    }

    private static final RowMapper<User> ROW = (rs, n) -> new User(rs.getObject("id", UUID.class), rs.getString("email"),
            rs.getString("name"), rs.getBoolean("disabled"), (Integer) rs.getObject("rate_limit_rpm"),
            (Integer) rs.getObject("rate_limit_tpm"), rs.getTimestamp("created_at").toInstant());

    private final JdbcTemplate jdbc;

    public UserStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public User create(String email, String name) {
        UUID id = UUID.randomUUID();
        jdbc.update("insert into users (id, email, name) values (?, ?, ?)", id, email, name);
        jdbc.update("insert into wallets (user_id) values (?)", id);
        return find(id).orElseThrow();
    }

    public Optional<User> find(UUID id) {
        return jdbc.query("select * from users where id = ?", ROW, id).stream().findFirst();
    }

    public Optional<User> findByEmail(String email) {
        return jdbc.query("select * from users where email = ?", ROW, email).stream().findFirst();
    }

    public List<User> list(int limit, int offset) {
        return jdbc.query("select * from users order by created_at, id limit ? offset ?", ROW, limit, offset);
    }

    public boolean update(UUID id, String email, String name, Boolean disabled) {
        return jdbc.update("update users set email = coalesce(?, email), name = coalesce(?, name), "
                + "disabled = coalesce(?, disabled) where id = ?", email, name, disabled, id) == 1;
    }

    /** Sets the user's own rate limits (null: the configured default applies). */
    public void rateLimits(UUID id, Integer rpm, Integer tpm) {
        jdbc.update("update users set rate_limit_rpm = ?, rate_limit_tpm = ? where id = ?", rpm, tpm, id);
    }
}
