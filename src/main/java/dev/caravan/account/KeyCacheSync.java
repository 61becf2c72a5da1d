package dev.caravan.account;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;

import com.zaxxer.hikari.HikariDataSource;
import dev.caravan.database.DatabaseProperties;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Keeps the key caches of all replicas in step. Each replica caches key lookups for
 * {@code caravan.auth.key-cache-ttl}; without this, a key revoked (or restricted, or its user disabled) through
 * one replica would keep working on the others until their entries expired. A change is announced with
 * PostgreSQL's {@code NOTIFY} in the transaction that makes it, so it is delivered when that transaction
 * commits; every replica {@code LISTEN}s on a connection of its own and then forgets its cached keys. If that
 * connection breaks, announcements may have been missed: the cache is dropped, and the listener reconnects.
 */
@Component
public class KeyCacheSync implements SmartLifecycle {

    static final String CHANNEL = "caravan_key_changes";

    private static final Logger LOG = LoggerFactory.getLogger(KeyCacheSync.class);
    /** How long one wait for notifications lasts; bounds how long stopping takes. */
    private static final int POLL_MILLIS = 500;
    private static final Duration RECONNECT_DELAY = Duration.ofSeconds(2);

    private final JdbcTemplate jdbc;
    private final HikariDataSource dataSource;
    private final Authenticator authenticator;
    /** The payload: deployments that share the database in another schema ignore each other's announcements. */
    private final String schema;

    private volatile boolean running;
    private Thread listener;

    public KeyCacheSync(JdbcTemplate jdbc, HikariDataSource dataSource, Authenticator authenticator,
            DatabaseProperties database) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.authenticator = authenticator;
        this.schema = database.schemaOrDefault();
    }

    /**
     * Keys or their users changed: every replica forgets its cached keys once the change commits. This one
     * forgets now and again after the commit, so that a lookup running during the transaction cannot keep
     * what it read before the change.
     */
    public void keysChanged() {
        jdbc.query("select pg_notify(?, ?)", rs -> { }, CHANNEL, schema);
        authenticator.forgetAll();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    authenticator.forgetAll();
                }
            });
        }
    }

    @Override
    public void start() {
        running = true;
        listener = new Thread(this::listen, "caravan-key-changes");
        listener.setDaemon(true);
        listener.start();
    }

    @Override
    public void stop() {
        running = false;
        if (listener != null) {
            listener.interrupt();
            try {
                listener.join(2 * POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void listen() {
        boolean warned = false;
        while (running) {
            try (Connection connection = open()) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + CHANNEL);
                }
                // whatever was announced while nobody listened is not coming: start from an empty cache
                authenticator.forgetAll();
                if (warned) {
                    LOG.info("key change listener reconnected");
                    warned = false;
                }
                PGConnection postgres = connection.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = postgres.getNotifications(POLL_MILLIS);
                    if (notifications != null && mentions(notifications, schema)) {
                        authenticator.forgetAll();
                    }
                }
            } catch (SQLException e) {
                if (!running) {
                    return;
                }
                authenticator.forgetAll();
                if (!warned) {
                    LOG.warn("key change listener lost its database connection ({}); until it reconnects, key changes "
                            + "made on other replicas reach this one only after key-cache-ttl", e.getMessage());
                    warned = true;
                }
                try {
                    Thread.sleep(RECONNECT_DELAY.toMillis());
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    static boolean mentions(PGNotification[] notifications, String schema) {
        for (PGNotification notification : notifications) {
            if (schema.equals(notification.getParameter())) {
                return true;
            }
        }
        return false;
    }

    /** A connection of its own, outside the pool: it waits for notifications for as long as the replica runs. */
    private Connection open() throws SQLException {
        Properties properties = new Properties();
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        properties.setProperty("ApplicationName", applicationName(schema));
        return DriverManager.getConnection(dataSource.getJdbcUrl(), properties);
    }

    /** The listening session's application_name in pg_stat_activity. */
    static String applicationName(String schema) {
        return "caravan-key-changes:" + schema;
    }
}
