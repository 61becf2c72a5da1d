package dev.caravan.account;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.admin.AccountsTestSupport;
import dev.caravan.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.postgresql.PGNotification;
import org.postgresql.core.Notification;
import org.springframework.test.context.TestPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Key changes made by another replica reach this one's key cache when they commit, not after the cache's ttl.
 * The ttl here is ten minutes, so a key that stops working within seconds was dropped by an announcement.
 * "Another replica" is played by statements on the database that this replica's own code does not run.
 */
@TestPropertySource(properties = "caravan.auth.key-cache-ttl=10m")
class KeyCacheSyncTest extends AccountsTestSupport {

    private static final Duration PATIENCE = Duration.ofSeconds(15);

    @Test
    void keyRevokedByAnotherReplicaStopsWorkingHereAtOnce() {
        JsonNode key = createKey(createUser("Sync Revoke"), "{\"name\":\"synced\"}");
        String secret = key.get("key").asText();
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);

        revokeElsewhere(key);
        jdbc.query("select pg_notify(?, ?)", rs -> { }, KeyCacheSync.CHANNEL, TestDatabase.SCHEMA);

        HttpResponse<String> refused = firstWithStatus(401, () -> call("GET", "/v1/balance", secret, null));
        assertThat(code(refused)).isEqualTo("key_revoked");
    }

    @Test
    void onlyAnnouncementsForThisSchemaCount() {
        // deployments sharing the database in other schemas announce on the same channel
        PGNotification[] others = {new Notification(KeyCacheSync.CHANNEL, 1, "some_other_deployment")};
        PGNotification[] mixed = {others[0], new Notification(KeyCacheSync.CHANNEL, 2, "caravan")};
        assertThat(KeyCacheSync.mentions(others, "caravan")).isFalse();
        assertThat(KeyCacheSync.mentions(mixed, "caravan")).isTrue();
    }

    @Test
    void listenerThatLostItsConnectionReconnectsAndForgetsWhatItMayHaveMissed() {
        JsonNode key = createKey(createUser("Sync Reconnect"), "{\"name\":\"reconnect\"}");
        String secret = key.get("key").asText();
        assertThat(call("GET", "/v1/balance", secret, null).statusCode()).isEqualTo(200);

        // the listening session is cut off; meanwhile another replica revokes the key, and nobody hears it
        List<Boolean> terminated = jdbc.queryForList(
                "select pg_terminate_backend(pid) from pg_stat_activity where application_name = ?", Boolean.class,
                KeyCacheSync.applicationName(TestDatabase.SCHEMA));
        // (one listener per application context: the tests' JVM may hold more than one, all on this schema)
        assertThat(terminated).isNotEmpty().containsOnly(true);
        revokeElsewhere(key);

        HttpResponse<String> refused = firstWithStatus(401, () -> call("GET", "/v1/balance", secret, null));
        assertThat(code(refused)).isEqualTo("key_revoked");
        // and it listens again
        assertThat(firstNonEmpty(() -> jdbc.queryForList(
                "select pid from pg_stat_activity where application_name = ?", Integer.class,
                KeyCacheSync.applicationName(TestDatabase.SCHEMA)))).isNotEmpty();
    }

    /** What another replica's KeyService writes when it revokes a key (this replica's code is not involved). */
    private void revokeElsewhere(JsonNode key) {
        int updated = jdbc.update("update api_keys set revoked_at = now() where id = ?",
                UUID.fromString(key.get("id").asText()));
        assertThat(updated).isEqualTo(1);
    }

    private static HttpResponse<String> firstWithStatus(int status, Supplier<HttpResponse<String>> call) {
        Instant deadline = Instant.now().plus(PATIENCE);
        HttpResponse<String> response = call.get();
        while (response.statusCode() != status && Instant.now().isBefore(deadline)) {
            pause();
            response = call.get();
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return response;
    }

    private static <T> List<T> firstNonEmpty(Supplier<List<T>> query) {
        Instant deadline = Instant.now().plus(PATIENCE);
        List<T> rows = query.get();
        while (rows.isEmpty() && Instant.now().isBefore(deadline)) {
            pause();
            rows = query.get();
        }
        return rows;
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
