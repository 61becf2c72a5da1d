package dev.caravan.account;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import dev.caravan.database.DatabaseProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** The three ways a gateway gets its admin key, and that none of them is a default credential. */
class AdminBootstrapTest {

    private final KeyStore keys = mock(KeyStore.class);
    private final UserStore users = mock(UserStore.class);
    private final KeyService keyService = mock(KeyService.class);
    private final AuditLog audit = mock(AuditLog.class);
    private final UserStore.User admin = new UserStore.User(UUID.randomUUID(), "admin@caravan.local", "Administrator",
            false, null, null, Instant.now());
    private final ByteArrayOutputStream console = new ByteArrayOutputStream();
    private PrintStream originalOut;

    @BeforeEach
    void captureConsole() {
        originalOut = System.out;
        System.setOut(new PrintStream(console, true, StandardCharsets.UTF_8));
        when(users.findByEmail("admin@caravan.local")).thenReturn(Optional.of(admin));
    }

    @AfterEach
    void restoreConsole() {
        System.setOut(originalOut);
    }

    private AdminBootstrap bootstrap(String adminKey, String databaseUrl) {
        AuthProperties auth = new AuthProperties(adminKey, null, null, null, null, null);
        DatabaseProperties database = new DatabaseProperties(databaseUrl, null, null, null, null, null, null);
        return new AdminBootstrap(auth, database, keys, users, keyService, audit);
    }

    @Test
    void configuredAdminKeyIsRegisteredByItsHash() {
        String configured = "cvn_live_" + "k".repeat(30);
        when(keys.findByHash(any())).thenReturn(Optional.empty());
        when(keyService.register(any(), anyString())).thenAnswer(call -> {
            ApiKey settings = call.getArgument(0);
            return new ApiKey(UUID.randomUUID(), settings.userId(), settings.name(), "cvn_live_kkkk", false, true, null,
                    null, null, null, null, null, null, null, null, null, Instant.now());
        });

        bootstrap(configured, "").run(null);

        ArgumentCaptor<ApiKey> settings = ArgumentCaptor.forClass(ApiKey.class);
        verify(keyService).register(settings.capture(), org.mockito.ArgumentMatchers.eq(configured));
        assertThat(settings.getValue().admin()).isTrue();
        assertThat(console.toString()).doesNotContain(configured);
    }

    @Test
    void weakConfiguredAdminKeyIsRefused() {
        assertThatThrownBy(() -> bootstrap("admin", "").run(null)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void firstEmbeddedStartGeneratesAKeyAndPrintsItOnce() {
        when(keys.anyAdminKey()).thenReturn(false);
        when(keyService.issue(any())).thenAnswer(call -> {
            ApiKey settings = call.getArgument(0);
            assertThat(settings.admin()).isTrue();
            return new KeyService.Issued(new ApiKey(UUID.randomUUID(), settings.userId(), settings.name(), "cvn_live_abcd",
                    false, true, null, null, null, null, null, null, null, null, null, null, Instant.now()),
                    "cvn_live_abcdGeneratedSecret0123456789");
        });

        bootstrap("", "").run(null);

        assertThat(console.toString()).contains("cvn_live_abcdGeneratedSecret0123456789");
    }

    @Test
    void laterStartsWithAnAdminKeyPrintNothing() {
        when(keys.anyAdminKey()).thenReturn(true);
        bootstrap("", "").run(null);
        verify(keyService, never()).issue(any());
        assertThat(console.toString()).doesNotContain("cvn_live_");
    }

    @Test
    void serverDatabaseWithoutAdminKeyGeneratesNothing() {
        when(keys.anyAdminKey()).thenReturn(false);
        bootstrap("", "jdbc:postgresql://db/caravan").run(null);
        verify(keyService, never()).issue(any());
        assertThat(console.toString()).doesNotContain("cvn_live_");
    }
}
