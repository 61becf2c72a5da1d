package dev.caravan.deploy;

import java.util.Map;

import com.google.gson.JsonElement;
import io.kubernetes.client.openapi.JSON;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;

/**
 * Checks a manifest against Kubernetes' API schema. The schema is the one the Kubernetes project publishes as
 * OpenAPI, in the form of its Java client's models (io.kubernetes:client-java-api, Kubernetes 1.34), which are
 * generated from it: reading a manifest into them refuses a field the API does not define (a misspelling would
 * otherwise be dropped silently by the API server's non-strict decoding, or by kubectl), a required field that is
 * missing and a value of the wrong type, at every level of the object.
 */
final class KubernetesSchema {

    /** apiVersion/kind of what deploy/k8s may hold, and the model each is checked against. */
    private static final Map<String, Class<?>> MODELS = Map.of(
            "apps/v1/Deployment", V1Deployment.class,
            "v1/Service", V1Service.class,
            "v1/ConfigMap", V1ConfigMap.class,
            "v1/Secret", V1Secret.class,
            "autoscaling/v2/HorizontalPodAutoscaler", V2HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", V1PodDisruptionBudget.class);

    private KubernetesSchema() {
    }

    /**
     * @return the manifest as its typed model
     * @throws InvalidManifest with the schema's reason when the manifest does not conform
     */
    static Object check(Map<String, Object> manifest) {
        String type = manifest.get("apiVersion") + "/" + manifest.get("kind");
        Class<?> model = MODELS.get(type);
        if (model == null) {
            throw new InvalidManifest(type + " is not a kind deploy/k8s may hold (" + MODELS.keySet() + ")");
        }
        JsonElement json = JSON.getGson().toJsonTree(manifest);
        try {
            // the models' type adapters run their generated validateJsonElement on each object they read
            return JSON.getGson().fromJson(json, model);
        } catch (RuntimeException e) {
            throw new InvalidManifest(type + " " + name(manifest) + ": " + reason(e));
        }
    }

    private static Object name(Map<String, Object> manifest) {
        return manifest.get("metadata") instanceof Map<?, ?> metadata ? metadata.get("name") : null;
    }

    /** Gson wraps the schema's IllegalArgumentException (or a NumberFormatException): every message of the chain. */
    private static String reason(Throwable e) {
        StringBuilder reason = new StringBuilder();
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            // the generated messages append the whole offending JSON object; what is wrong comes before it
            int json = message.indexOf(" JSON: ");
            String line = json > 0 ? message.substring(0, json) : message;
            if (reason.indexOf(line) < 0) {
                reason.append(reason.isEmpty() ? "" : " <- ").append(line);
            }
        }
        return reason.toString();
    }

    static final class InvalidManifest extends RuntimeException {
        InvalidManifest(String message) {
            super(message);
        }
    }
}
