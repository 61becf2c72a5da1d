package dev.caravan.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The deployment files as the tests read them: YAML documents as plain maps, paths from the repository root. */
final class Manifests {

    static final Path K8S = Path.of("deploy/k8s");
    static final Path KUSTOMIZATION = K8S.resolve("kustomization.yaml");
    /** A template to fill in outside the repository, deliberately not applied by the kustomization. */
    static final Path SECRET_TEMPLATE = K8S.resolve("secret.yaml");

    private Manifests() {
    }

    /** Every document of a YAML file (a manifest file may hold several, separated by ---). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> documents(Path file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Map<String, Object>> documents = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            for (Object document : yaml.loadAll(reader)) {
                if (document != null) {
                    documents.add((Map<String, Object>) document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    static Map<String, Object> single(Path file) {
        List<Map<String, Object>> documents = documents(file);
        if (documents.size() != 1) {
            throw new IllegalStateException(file + " holds " + documents.size() + " documents, expected one");
        }
        return documents.get(0);
    }

    /** The Kubernetes objects under deploy/k8s: every YAML file there but the kustomization itself. */
    static List<Path> kubernetesFiles() {
        try (Stream<Path> files = Files.list(K8S)) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> !file.equals(KUSTOMIZATION))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The one object of {@code kind} among the Kubernetes files, checked against the schema and typed. */
    static <T> T object(String kind, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (Path file : kubernetesFiles()) {
            for (Map<String, Object> document : documents(file)) {
                if (kind.equals(document.get("kind"))) {
                    found.add(type.cast(KubernetesSchema.check(document)));
                }
            }
        }
        if (found.size() != 1) {
            throw new IllegalStateException(found.size() + " objects of kind " + kind + " under " + K8S);
        }
        return found.get(0);
    }
}
