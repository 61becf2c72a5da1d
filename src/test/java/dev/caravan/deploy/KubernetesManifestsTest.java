package dev.caravan.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.caravan.deploy.KubernetesSchema.InvalidManifest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every object under deploy/k8s conforms to Kubernetes' API schema ({@link KubernetesSchema}), and the check is
 * real: the shipped Deployment with one misspelled field, one wrong type or one missing required field is refused.
 */
class KubernetesManifestsTest {

    private static final Path DEPLOYMENT = Manifests.K8S.resolve("deployment.yaml");

    @Test
    void everyManifestConformsToKubernetesSchema() {
        List<String> checked = new ArrayList<>();
        for (Path file : Manifests.kubernetesFiles()) {
            for (Map<String, Object> document : Manifests.documents(file)) {
                assertThatCode(() -> KubernetesSchema.check(document)).as(file.toString()).doesNotThrowAnyException();
                checked.add(document.get("kind").toString());
            }
        }
        assertThat(checked).containsExactlyInAnyOrder("Deployment", "Service", "HorizontalPodAutoscaler",
                "PodDisruptionBudget", "Secret");
    }

    @Test
    void kustomizationAppliesEveryManifestButTheSecretTemplate() {
        List<Path> expected = new ArrayList<>(Manifests.kubernetesFiles());
        expected.remove(Manifests.SECRET_TEMPLATE);
        Object resources = Manifests.single(Manifests.KUSTOMIZATION).get("resources");
        assertThat(resources).asList().map(resource -> Manifests.K8S.resolve(resource.toString()))
                .containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void aMisspelledFieldIsRefused() {
        assertThatThrownBy(() -> KubernetesSchema.check(deploymentWith(
                container -> container.put("readinesProbe", container.remove("readinessProbe")))))
                .isInstanceOf(InvalidManifest.class)
                .hasMessageContaining("readinesProbe");
    }

    @Test
    void aWrongTypeIsRefused() {
        assertThatThrownBy(() -> KubernetesSchema.check(deploymentWith(
                container -> ((Map<String, Object>) container.get("securityContext")).put("runAsUser", "caravan"))))
                .isInstanceOf(InvalidManifest.class)
                .hasMessageContaining("caravan");
        assertThatThrownBy(() -> KubernetesSchema.check(deploymentWith(
                container -> container.put("ports", Map.of("containerPort", 8080)))))
                .isInstanceOf(InvalidManifest.class)
                .hasMessageContaining("JsonArray");
    }

    @Test
    void aMissingRequiredFieldIsRefused() {
        assertThatThrownBy(() -> KubernetesSchema.check(deploymentWith(container -> container.remove("name"))))
                .isInstanceOf(InvalidManifest.class)
                .hasMessageContaining("name");
    }

    @Test
    void anUnknownKindIsRefused() {
        Map<String, Object> deployment = Manifests.single(DEPLOYMENT);
        deployment.put("apiVersion", "extensions/v1beta1");
        assertThatThrownBy(() -> KubernetesSchema.check(deployment)).isInstanceOf(InvalidManifest.class);
    }

    /** The shipped Deployment, with its container changed by {@code change}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> deploymentWith(Consumer<Map<String, Object>> change) {
        Map<String, Object> deployment = Manifests.single(DEPLOYMENT);
        assertThatCode(() -> KubernetesSchema.check(deployment)).doesNotThrowAnyException();
        Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
        Map<String, Object> template = (Map<String, Object>) spec.get("template");
        Map<String, Object> podSpec = (Map<String, Object>) template.get("spec");
        Map<String, Object> container = new LinkedHashMap<>(((List<Map<String, Object>>) podSpec.get("containers")).get(0));
        change.accept(container);
        podSpec.put("containers", List.of(container));
        return deployment;
    }
}
