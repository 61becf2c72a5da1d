package dev.caravan.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.caravan.embedded.EmbeddedProcessGuard;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The DataSource: the PostgreSQL server named by {@code caravan.database.url} (DATABASE_URL) in production,
 * or, when none is set, a real PostgreSQL started in-process with its data under {@code ./data}, so the quick
 * start needs nothing installed. Flyway migrates either one at startup.
 * <p>
 * The embedded server is started through pg_ctl, so it is not a child that dies with the JVM. An
 * {@link EmbeddedProcessGuard} keeps it tied to this gateway: one gateway per data directory (a second one is
 * refused with a one-line reason), a PostgreSQL left running by a killed gateway is fast-stopped on the next
 * start, and a watchdog process stops PostgreSQL when this JVM dies without stopping it.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DatabaseConfiguration.class);

    @Bean(destroyMethod = "close")
    public EmbeddedDatabase embeddedDatabase(DatabaseProperties properties) {
        if (!properties.embedded()) {
            return new EmbeddedDatabase(null, null);
        }
        Path dataDir = Path.of(properties.embeddedDataDir() == null ? "data/postgres" : properties.embeddedDataDir());
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the embedded PostgreSQL data directory " + dataDir, e);
        }
        EmbeddedProcessGuard guard = EmbeddedProcessGuard.claim(new EmbeddedProcessGuard.Server("PostgreSQL",
                "postgres", dataDir, dataDir.resolve(PostmasterPidFile.NAME), PostmasterPidFile::read,
                "set caravan.database.embedded-data-dir to another directory, or DATABASE_URL to a PostgreSQL server."));
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setPort(properties.embeddedPort() == null ? 0 : properties.embeddedPort())
                    // Spring stops it (this bean's close) after everything that writes to it: with its own JVM
                    // shutdown hook it stopped at once on SIGTERM, while graceful shutdown still had in-flight
                    // calls to settle, the last ledger batch to write and credit leases to return
                    .setRegisterShutdownHook(false)
                    .start();
            PostmasterPidFile.read(dataDir.resolve(PostmasterPidFile.NAME)).ifPresentOrElse(
                    postmaster -> guard.started(postmaster.pid()),
                    () -> LOG.warn("no postmaster.pid in {}: the embedded PostgreSQL runs without a watchdog", dataDir));
            LOG.info("embedded PostgreSQL started on port {} with data in {} (set DATABASE_URL to use a server)",
                    postgres.getPort(), dataDir.toAbsolutePath());
            return new EmbeddedDatabase(postgres, guard);
        } catch (IOException e) {
            guard.close();
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + dataDir, e);
        } catch (RuntimeException e) {
            guard.close();
            throw e;
        }
    }

    @Bean(destroyMethod = "close")
    public HikariDataSource dataSource(DatabaseProperties properties, EmbeddedDatabase embedded) {
        HikariConfig config = new HikariConfig();
        if (embedded.postgres() != null) {
            config.setJdbcUrl(embedded.postgres().getJdbcUrl("postgres", "postgres"));
        } else {
            config.setJdbcUrl(properties.url());
            config.setUsername(properties.username());
            config.setPassword(properties.password());
        }
        config.setSchema(properties.schemaOrDefault());
        config.setMaximumPoolSize(properties.poolSize());
        config.setPoolName("caravan-db");
        return new HikariDataSource(config);
    }

    /**
     * Holds the embedded server (null when a server is configured) so it stops after the pool is closed, and its
     * guard, released only once PostgreSQL has stopped: its watchdog covers the stop too, and the data directory
     * stays locked until nothing runs on it.
     */
    public record EmbeddedDatabase(EmbeddedPostgres postgres, EmbeddedProcessGuard guard) implements AutoCloseable {

        public DataSource dataSource() {
            return postgres == null ? null : postgres.getPostgresDatabase();
        }

        @Override
        public void close() throws IOException {
            try {
                if (postgres != null) {
                    postgres.close();
                }
            } finally {
                if (guard != null) {
                    guard.close();
                }
            }
        }
    }
}
