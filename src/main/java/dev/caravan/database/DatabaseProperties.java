package dev.caravan.database;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where Caravan keeps accounts, wallets and the ledger.
 *
 * @param url             JDBC URL of a PostgreSQL server; empty starts the embedded PostgreSQL instead
 * @param username        user of that server
 * @param password        its password
 * @param schema          the schema Caravan's tables live in (created by the migrations)
 * @param maxPoolSize     connections to keep open
 * @param embeddedDataDir data folder of the embedded PostgreSQL (kept across restarts; one gateway at a time, locked by
 *                        {@code <folder>.lock} beside it)
 * @param embeddedPort    port of the embedded PostgreSQL; 0 picks a free one
 */
@ConfigurationProperties("caravan.database")
public record DatabaseProperties(String url, String username, String password, String schema, Integer maxPoolSize,
        String embeddedDataDir, Integer embeddedPort) {

    public boolean embedded() {
        return url == null || url.isBlank();
    }

    public String schemaOrDefault() {
        return schema == null || schema.isBlank() ? "caravan" : schema;
    }

    public int poolSize() {
        return maxPoolSize == null ? 20 : maxPoolSize;
    }
}
