package dev.caravan.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.convert.DurationStyle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * docker-compose.yml is a valid Compose file, as docker-compose itself reads it ({@code config -q}: the schema,
 * interpolation, references between services), and a broken one is refused. No Docker engine is needed. Without
 * the binary those checks are skipped on a developer's machine and fail in CI (CI=true), where .ci/run installs it.
 */
class DockerComposeConfigTest {

    private static final Path COMPOSE_FILE = Path.of("docker-compose.yml");
    /** The shape CARAVAN_ADMIN_KEY must have; the compose file refuses to run without one. */
    private static final String ADMIN_KEY = "cvn_live_" + "0123456789abcdefghijklmnopqrstuvwxyz";

    /** docker-compose on the PATH; empty when it is not installed. */
    private static final Optional<Path> DOCKER_COMPOSE = Stream
            .of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
            .map(folder -> Path.of(folder, "docker-compose"))
            .filter(Files::isExecutable)
            .findFirst();

    private static Path dockerCompose() {
        if ("true".equals(System.getenv("CI"))) {
            assertThat(DOCKER_COMPOSE).as("docker-compose on the PATH (apt-get install docker-compose in .ci/run)")
                    .isPresent();
        }
        assumeThat(DOCKER_COMPOSE).as("docker-compose on the PATH").isPresent();
        return DOCKER_COMPOSE.get();
    }

    @Test
    void theComposeFileIsValid() throws Exception {
        Result result = config(COMPOSE_FILE, ADMIN_KEY);
        assertThat(result.output()).isEmpty();
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void aBrokenComposeFileIsRefused(@TempDir Path folder) throws Exception {
        String valid = Files.readString(COMPOSE_FILE);
        assertThat(valid).contains("    depends_on:");
        Path broken = folder.resolve("docker-compose.yml");
        Files.writeString(broken, valid.replace("    depends_on:", "    depend_on:"));

        Result result = config(broken, ADMIN_KEY);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("depend_on");
    }

    @Test
    void itRefusesToRunWithoutAnAdminKey() throws Exception {
        Result result = config(COMPOSE_FILE, null);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.output()).contains("set CARAVAN_ADMIN_KEY");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theGatewayRunsReadOnlyWithEveryProviderKeyAndTheSharedDatabaseAndRedis() throws IOException {
        Map<String, Object> services = (Map<String, Object>) Manifests.single(COMPOSE_FILE).get("services");
        assertThat(services).containsKeys("caravan", "postgres", "redis");
        Map<String, Object> gateway = (Map<String, Object>) services.get("caravan");
        assertThat(gateway).containsEntry("read_only", true).containsEntry("tmpfs", List.of("/tmp"));
        Map<String, Object> environment = (Map<String, Object>) gateway.get("environment");
        assertThat(environment).containsKeys("DATABASE_URL", "REDIS_URL", "CARAVAN_ADMIN_KEY");
        assertThat(environment.keySet()).containsAll(KubernetesPolicyTest.providerKeyVariables());
    }

    @Test
    @SuppressWarnings("unchecked")
    void dockerWaitsForTheGracefulShutdownBeforeKilling() {
        Map<String, Object> services = (Map<String, Object>) Manifests.single(COMPOSE_FILE).get("services");
        Object grace = ((Map<String, Object>) services.get("caravan")).get("stop_grace_period");
        assertThat(grace).as("stop_grace_period (Docker's default: 10 s)").isNotNull();
        Duration shutdown = Duration.ofSeconds(Long.parseLong(ApplicationYaml.value("camel.main.shutdown-timeout")));
        assertThat(DurationStyle.detectAndParse(grace.toString())).isGreaterThan(shutdown);
    }

    private record Result(int exitCode, String output) {
    }

    /** {@code docker-compose -f file config -q}, with only the admin key (if any) from the environment. */
    private static Result config(Path file, String adminKey) throws Exception {
        List<String> command = new ArrayList<>(List.of(dockerCompose().toString(), "--project-directory",
                Path.of("").toAbsolutePath().toString(), "-f", file.toAbsolutePath().toString(), "config", "-q"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        // the file reads its settings from the caller's shell: none of this JVM's may leak into the check
        environment.keySet().removeIf(name -> !name.equals("PATH") && !name.equals("HOME"));
        if (adminKey != null) {
            environment.put("CARAVAN_ADMIN_KEY", adminKey);
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        // a guard against a hung binary, not a timing assertion
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Result(process.exitValue(), output);
    }
}
