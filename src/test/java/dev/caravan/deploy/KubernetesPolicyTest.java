package dev.caravan.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.caravan.account.ApiKeyFormat;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import io.kubernetes.client.openapi.models.V2MetricSpec;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What issue 14 asks of the gateway's pods, checked on the typed manifests: a non-root user with a read-only root
 * file system and no privileges, the actuator probes on the gateway's port, resources within the 2 cores a replica
 * is sized for, a termination grace period that outlasts the longest stream, and an autoscaler, a disruption
 * budget and a Service that all reach the Deployment's pods.
 */
class KubernetesPolicyTest {

    /**
     * Generation after a stream's first event: caravan.resilience.total-deadline bounds only the wait for that
     * event, and the upstream's idle timeout only the gap between two events, so nothing in the gateway bounds a
     * stream's length. 120 s covers about 4,000 tokens at 35 tokens a second (deployment.yaml, README).
     */
    private static final Duration GENERATION = Duration.ofSeconds(120);

    private final V1Deployment deployment = Manifests.object("Deployment", V1Deployment.class);
    private final V1PodSpec pod = deployment.getSpec().getTemplate().getSpec();
    private final V1Container gateway = pod.getContainers().get(0);

    @Test
    void runsAsTheImagesNonRootUser() throws IOException {
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(DockerfileTest.runtimeUid()).isNotZero();
        assertThat(gateway.getSecurityContext().getRunAsNonRoot()).isNotEqualTo(false);
        assertThat(gateway.getSecurityContext().getRunAsUser()).isNull();
    }

    @Test
    void hasNoPrivilegesAndTheDefaultSeccompProfile() {
        assertThat(gateway.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(gateway.getSecurityContext().getPrivileged()).isNotEqualTo(true);
        assertThat(gateway.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(gateway.getSecurityContext().getCapabilities().getAdd()).isNullOrEmpty();
        assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        assertThat(pod.getAutomountServiceAccountToken()).isFalse();
    }

    @Test
    void rootFileSystemIsReadOnlyAndOnlyTmpIsWritable() {
        assertThat(gateway.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        List<V1VolumeMount> writable = gateway.getVolumeMounts().stream()
                .filter(mount -> !Boolean.TRUE.equals(mount.getReadOnly())).toList();
        assertThat(writable).extracting(V1VolumeMount::getMountPath).containsExactly("/tmp");
        assertThat(pod.getVolumes()).filteredOn(volume -> volume.getName().equals(writable.get(0).getName()))
                .singleElement().satisfies(volume -> assertThat(volume.getEmptyDir()).isNotNull());
    }

    @Test
    void productionSettingsComeFromTheSecretAndTheDemoProviderIsOff() {
        assertThat(gateway.getEnvFrom()).singleElement()
                .satisfies(source -> assertThat(source.getSecretRef().getName()).isEqualTo(secret().getMetadata().getName()));
        assertThat(env("DEMO_ENABLED")).isEqualTo("false");
    }

    /**
     * A misspelled variable is ignored by the gateway without a word: each one the Deployment sets is either read
     * by name (a ${NAME:...} placeholder in application.yaml, {{env:NAME:...}} in a route) or names a setting of
     * application.yaml by Spring Boot's relaxed binding (CAMEL_MAIN_SHUTDOWNTIMEOUT: camel.main.shutdown-timeout).
     */
    @Test
    void everyEnvironmentVariableReachesASetting() throws IOException {
        String readByName = Files.readString(Path.of("application.yaml")) + routesText();
        for (V1EnvVar variable : gateway.getEnv()) {
            String name = variable.getName();
            if (readByName.contains("${" + name + ":") || readByName.contains("{{env:" + name + ":")) {
                continue;
            }
            assertThat(variable.getValue()).as(name + " has a value").isNotNull();
            StandardEnvironment environment = new StandardEnvironment();
            environment.getPropertySources().remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
            environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                    new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                            Map.of(name, variable.getValue())));
            ConfigurationPropertySources.attach(environment);
            assertThat(ApplicationYaml.paths()).as(name + " sets a setting of application.yaml")
                    .anyMatch(path -> variable.getValue().equals(environment.getProperty(path)));
        }
    }

    private static String routesText() throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(Files.readString(file));
            }
        }
        return text.toString();
    }

    @Test
    void probesAreTheActuatorsOnTheGatewaysPort() {
        int serverPort = Integer.parseInt(ApplicationYaml.value("server.port"));
        assertThat(gateway.getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getContainerPort()).isEqualTo(serverPort);
            assertThat(port.getName()).isEqualTo("http");
        });
        assertProbe(gateway.getStartupProbe(), "/actuator/health/liveness");
        assertProbe(gateway.getLivenessProbe(), "/actuator/health/liveness");
        assertProbe(gateway.getReadinessProbe(), "/actuator/health/readiness");
        // a slow first start (migrations) is the startup probe's to wait for, not a reason for liveness to kill
        V1Probe startup = gateway.getStartupProbe();
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold()).isGreaterThanOrEqualTo(60);
    }

    @Test
    void resourcesAreSetWithinTwoCoresPerReplica() {
        Map<String, Quantity> requests = gateway.getResources().getRequests();
        Map<String, Quantity> limits = gateway.getResources().getLimits();
        assertThat(requests).containsKeys("cpu", "memory");
        assertThat(limits).containsKeys("cpu", "memory");
        // SerialGC is the measured choice up to 2 cores (Dockerfile), and the JVM sizes itself from the limit
        assertThat(limits.get("cpu").getNumber()).isLessThanOrEqualTo(Quantity.fromString("2").getNumber());
        assertThat(requests.get("cpu").getNumber()).isLessThanOrEqualTo(limits.get("cpu").getNumber());
        // the heap is a share of the limit (MaxRAMPercentage): a request below it could be reclaimed under pressure
        assertThat(requests.get("memory").getNumber()).isEqualByComparingTo(limits.get("memory").getNumber());
    }

    @Test
    void terminationGracePeriodOutlastsTheLongestStream() {
        Duration longestStream = ApplicationYaml.duration("caravan.resilience.total-deadline").plus(GENERATION);
        Duration camelShutdown = Duration.ofSeconds(Long.parseLong(env("CAMEL_MAIN_SHUTDOWNTIMEOUT")));
        Duration springPhase = DurationStyle.detectAndParse(env("SPRING_LIFECYCLE_TIMEOUTPERSHUTDOWNPHASE"));
        List<String> preStop = gateway.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop.get(0)).isEqualTo("sleep");
        Duration drainEndpoints = Duration.ofSeconds(Long.parseLong(preStop.get(1)));
        Duration grace = Duration.ofSeconds(pod.getTerminationGracePeriodSeconds());

        assertThat(drainEndpoints).isPositive();
        // the ledger writes its last batch after the last call, inside Camel's shutdown timeout
        assertThat(camelShutdown).isGreaterThan(longestStream);
        assertThat(springPhase).isGreaterThanOrEqualTo(camelShutdown);
        assertThat(grace).isGreaterThan(drainEndpoints.plus(camelShutdown));
    }

    @Test
    void theAutoscalerScalesTheDeploymentOnCpuAndOwnsItsReplicaCount() {
        V2HorizontalPodAutoscaler autoscaler = Manifests.object("HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class);
        assertThat(autoscaler.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo(deployment.getApiVersion());
        assertThat(autoscaler.getSpec().getScaleTargetRef().getKind()).isEqualTo(deployment.getKind());
        assertThat(autoscaler.getSpec().getScaleTargetRef().getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(autoscaler.getSpec().getMinReplicas()).isGreaterThanOrEqualTo(2);
        assertThat(autoscaler.getSpec().getMetrics()).extracting(V2MetricSpec::getType).containsExactly("Resource");
        assertThat(autoscaler.getSpec().getMetrics().get(0).getResource().getName()).isEqualTo("cpu");
        // a utilization target is a share of the request, which must be set
        assertThat(gateway.getResources().getRequests()).containsKey("cpu");
        assertThat(deployment.getSpec().getReplicas()).as("replicas left to the autoscaler").isNull();
    }

    @Test
    void theDisruptionBudgetAndTheServiceSelectTheGatewaysPods() {
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());

        V1PodDisruptionBudget budget = Manifests.object("PodDisruptionBudget", V1PodDisruptionBudget.class);
        assertThat(podLabels).containsAllEntriesOf(budget.getSpec().getSelector().getMatchLabels());
        assertThat(budget.getSpec().getMaxUnavailable().getIntValue()).isEqualTo(1);

        V1Service service = Manifests.object("Service", V1Service.class);
        assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
        assertThat(service.getSpec().getPorts()).singleElement()
                .satisfies(port -> assertThat(port.getTargetPort().getStrValue()).isEqualTo("http"));
    }

    @Test
    void theSecretTemplateHoldsPlaceholdersOnly() {
        Map<String, String> values = secret().getStringData();
        assertThat(values).containsKeys("CARAVAN_ADMIN_KEY", "DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD",
                "REDIS_URL");
        values.forEach((key, value) -> assertThat(value.isEmpty() || value.contains("REPLACE-ME")
                || key.equals("DATABASE_USER")).as(key + " is a placeholder or empty").isTrue());
        // the gateway refuses to start with the placeholder admin key rather than accept it as one
        assertThat(ApiKeyFormat.looksLikeKey(values.get("CARAVAN_ADMIN_KEY"))).isFalse();
    }

    @Test
    void theSecretHasAnEntryForEveryProviderKey() throws IOException {
        assertThat(secret().getStringData().keySet()).containsAll(providerKeyVariables());
    }

    /** The *_API_KEY variables the shipped provider routes read ({{env:OPENAI_API_KEY:}}). */
    static Set<String> providerKeyVariables() throws IOException {
        Pattern variable = Pattern.compile("\\{\\{env:([A-Z0-9_]+_API_KEY)");
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("routes/providers"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher matcher = variable.matcher(Files.readString(file));
                while (matcher.find()) {
                    names.add(matcher.group(1));
                }
            }
        }
        assertThat(names).isNotEmpty();
        return names;
    }

    private static V1Secret secret() {
        return Manifests.object("Secret", V1Secret.class);
    }

    private String env(String name) {
        Map<String, String> env = gateway.getEnv().stream().filter(variable -> variable.getValue() != null)
                .collect(Collectors.toMap(V1EnvVar::getName, V1EnvVar::getValue));
        assertThat(env).containsKey(name);
        return env.get(name);
    }

    private static void assertProbe(V1Probe probe, String path) {
        assertThat(probe).as(path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrValue()).isEqualTo("http");
    }
}
