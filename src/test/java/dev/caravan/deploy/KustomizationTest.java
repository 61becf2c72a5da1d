package dev.caravan.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ConfigMaps that kustomization.yaml generates are routes/ and config/ exactly: every file there is in the
 * ConfigMap of its folder (kustomize takes no globs, so a new route file must be listed, and this test says
 * which), nothing else is, and each ConfigMap is mounted where the image has that folder (/app/routes/providers,
 * ...), where the gateway reads it (camel.main.routes-include-pattern, caravan.billing.prices-file).
 */
class KustomizationTest {

    /** The gateway's working directory in the image (Dockerfile WORKDIR), where routes/ and config/ are. */
    private static final Path APP = Path.of("/app");
    /** A ConfigMap holds at most 1 MiB. */
    private static final long CONFIG_MAP_MAX_BYTES = 1024 * 1024;

    private final Map<String, Object> kustomization = Manifests.single(Manifests.KUSTOMIZATION);
    private final Map<String, List<Path>> generated = generatedFiles();

    @Test
    void everyFileUnderRoutesAndConfigIsInAGeneratedConfigMap() throws IOException {
        Set<Path> expected = new TreeSet<>();
        expected.addAll(filesUnder(Path.of("routes")));
        expected.addAll(filesUnder(Path.of("config")));
        Set<Path> listed = new TreeSet<>();
        generated.values().forEach(listed::addAll);
        Set<Path> missing = new TreeSet<>(expected);
        missing.removeAll(listed);
        Set<Path> gone = new TreeSet<>(listed);
        gone.removeAll(expected);
        assertThat(missing).as("files no configMapGenerator of deploy/k8s/kustomization.yaml lists").isEmpty();
        assertThat(gone).as("files kustomization.yaml lists that do not exist").isEmpty();
    }

    @Test
    void eachConfigMapHoldsOneFolderAndFitsTheSizeLimit() throws IOException {
        for (Map.Entry<String, List<Path>> configMap : generated.entrySet()) {
            assertThat(configMap.getValue()).as(configMap.getKey()).isNotEmpty()
                    .extracting(Path::getParent).containsOnly(configMap.getValue().get(0).getParent());
            long bytes = 0;
            for (Path file : configMap.getValue()) {
                bytes += Files.size(file);
            }
            assertThat(bytes).as(configMap.getKey()).isLessThan(CONFIG_MAP_MAX_BYTES);
        }
    }

    @Test
    void eachConfigMapIsMountedReadOnlyWhereTheImageHasItsFolder() {
        V1PodSpec pod = Manifests.object("Deployment", V1Deployment.class).getSpec().getTemplate().getSpec();
        V1Container gateway = pod.getContainers().get(0);
        Map<String, String> mountPathByConfigMap = new TreeMap<>();
        for (V1Volume volume : pod.getVolumes()) {
            if (volume.getConfigMap() == null) {
                continue;
            }
            V1VolumeMount mount = gateway.getVolumeMounts().stream()
                    .filter(candidate -> candidate.getName().equals(volume.getName())).findFirst().orElseThrow();
            assertThat(mount.getReadOnly()).as(mount.getMountPath()).isTrue();
            assertThat(mount.getSubPath()).as("a subPath mount never sees an update").isNull();
            assertThat(volume.getConfigMap().getItems()).as("every key of the ConfigMap is mounted").isNullOrEmpty();
            mountPathByConfigMap.put(volume.getConfigMap().getName(), mount.getMountPath());
        }
        Map<String, String> expected = new TreeMap<>();
        generated.forEach((name, files) ->
                expected.put(name, APP.resolve(files.get(0).getParent()).toString()));
        assertThat(mountPathByConfigMap).isEqualTo(expected);
    }

    @Test
    void theImageSetInTheKustomizationIsTheGatewaysContainer() {
        V1Container gateway = Manifests.object("Deployment", V1Deployment.class)
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat((List<?>) kustomization.get("images")).singleElement()
                .satisfies(image -> assertThat(((Map<?, ?>) image).get("name")).isEqualTo(gateway.getImage()));
    }

    /** Per generated ConfigMap, its files relative to the repository's root. */
    @SuppressWarnings("unchecked")
    private Map<String, List<Path>> generatedFiles() {
        Map<String, List<Path>> files = new TreeMap<>();
        for (Map<String, Object> generator : (List<Map<String, Object>>) kustomization.get("configMapGenerator")) {
            List<Path> paths = new ArrayList<>();
            for (String file : (List<String>) generator.get("files")) {
                // a "key=path" entry would mount the file under another name than the gateway expects
                assertThat(file).doesNotContain("=");
                paths.add(Path.of("").toAbsolutePath().relativize(Manifests.K8S.resolve(file).toAbsolutePath().normalize()));
            }
            files.put(generator.get("name").toString(), paths);
        }
        return files;
    }

    private static List<Path> filesUnder(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }
}
