package dev.caravan.logging;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravan.support.GatewayProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code caravan.logging.format=json}, in a gateway process of its own (logging is set up once per JVM): every line
 * the gateway writes is one JSON object with a timestamp, level, logger and message, and a model call's access line
 * carries its request id, the one the client got in {@code x-request-id}, beside the access line's own fields.
 */
class JsonLogsTest {

    private static final String ADMIN_KEY = "cvn_live_JsonLogsTestAdminKey0123456789abcdefgh";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<GatewayProcess> started = new ArrayList<>();
    private Path root;

    @Test
    void everyLineIsAJsonObjectAndTheAccessLineCarriesTheRequestId() throws Exception {
        root = Files.createTempDirectory("caravan-json-logs");
        GatewayProcess gateway = GatewayProcess.start(root.resolve("postgres"), root.resolve("console.log"),
                "--caravan.auth.admin-key=" + ADMIN_KEY, "--caravan.logging.format=json");
        started.add(gateway);
        gateway.awaitHealthy();

        HttpResponse<String> call = gateway.chatAsNewUser(ADMIN_KEY);
        assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
        String requestId = call.headers().firstValue("x-request-id").orElseThrow();

        // the access line is written off the request's thread, in batches
        await().atMost(Duration.ofSeconds(10)).until(() -> accessLine(gateway.console(), requestId) != null);
        JsonNode access = accessLine(gateway.console(), requestId);
        assertThat(access.get("@timestamp").asText()).isNotEmpty();
        assertThat(access.get("level").asText()).isEqualTo("INFO");
        assertThat(access.get("logger_name").asText()).isEqualTo("caravan.access");
        assertThat(access.get("message").asText()).contains("model=demo").contains("provider=demo")
                .contains("status=200").contains("outcome=completed");

        List<JsonNode> lines = lines(gateway.console());
        assertThat(lines).hasSizeGreaterThan(5);
        assertThat(lines).allSatisfy(line -> assertThat(line.has("@timestamp") && line.has("level")
                && line.has("logger_name") && line.has("message")).as(line.toString()).isTrue());
    }

    private static JsonNode accessLine(String console, String requestId) throws Exception {
        for (JsonNode line : lines(console)) {
            if (requestId.equals(line.path("requestId").asText()) && "caravan.access".equals(line.path("logger_name").asText())) {
                return line;
            }
        }
        return null;
    }

    /** Every line of the console as JSON; a line that is not JSON fails the test with the line. */
    private static List<JsonNode> lines(String console) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : console.split("\n")) {
            if (line.isBlank() || line.startsWith("OpenJDK 64-Bit Server VM warning")) {
                continue; // the JVM's own warnings, before logging starts
            }
            try {
                lines.add(JSON.readTree(line));
            } catch (Exception notJson) {
                throw new AssertionError("not a JSON line: " + line, notJson);
            }
        }
        return lines;
    }

    @AfterEach
    void stop() throws Exception {
        GatewayProcess.cleanUp(started, root.resolve("postgres"), root);
    }
}
