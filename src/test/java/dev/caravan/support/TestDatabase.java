package dev.caravan.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The tests' database: the PostgreSQL server on 127.0.0.1:5432 (database {@code test}) when it is there,
 * each test JVM in a schema of its own that is dropped at exit; otherwise the embedded PostgreSQL, so that
 * {@code ./mvnw verify} passes on any machine.
 */
public final class TestDatabase {

    public static final String SERVER_URL = "jdbc:postgresql://127.0.0.1:5432/test";
    public static final String USER = "postgres";
    public static final String SCHEMA = "caravan_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private static final boolean SERVER = serverIsUp();

    private TestDatabase() {
    }

    public static boolean usesServer() {
        return SERVER;
    }

    static void register(DynamicPropertyRegistry registry) {
        registry.add("caravan.database.schema", () -> SCHEMA);
        if (SERVER) {
            registry.add("caravan.database.url", () -> SERVER_URL);
            registry.add("caravan.database.username", () -> USER);
            registry.add("caravan.database.password", () -> "");
            Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropSchema));
        } else {
            registry.add("caravan.database.url", () -> "");
            registry.add("caravan.database.embedded-data-dir", TestDatabase::embeddedDir);
        }
    }

    private static String embeddedDir() {
        try {
            return Files.createTempDirectory("caravan-test-pg").toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean serverIsUp() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 5432), 500);
        } catch (IOException e) {
            return false;
        }
        try (Connection ignored = DriverManager.getConnection(SERVER_URL, USER, "")) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void dropSchema() {
        try (Connection connection = DriverManager.getConnection(SERVER_URL, USER, "")) {
            connection.createStatement().execute("drop schema if exists " + SCHEMA + " cascade");
        } catch (SQLException e) {
            // the next run uses a new schema anyway
        }
    }
}
