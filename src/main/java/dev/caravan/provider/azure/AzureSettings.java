package dev.caravan.provider.azure;

import dev.caravan.provider.ProviderSettings;

/** An {@code azure-openai} instance's settings: the common ones, the API version and the deployments by model. */
public class AzureSettings extends ProviderSettings {

    /** The GA inference API version used when the route names none. */
    public static final String DEFAULT_API_VERSION = "2024-10-21";

    private String apiVersion = DEFAULT_API_VERSION;
    private String deployments = "";

    /** The {@code api-version} query parameter. */
    public String getApiVersion() {
        return apiVersion;
    }

    public void setApiVersion(String apiVersion) {
        this.apiVersion = apiVersion == null || apiVersion.isBlank() ? DEFAULT_API_VERSION : apiVersion.trim();
    }

    /** {@code model=deployment} pairs, comma-separated; a model not named is served by a deployment of its name. */
    public String getDeployments() {
        return deployments;
    }

    public void setDeployments(String deployments) {
        this.deployments = deployments == null ? "" : deployments;
    }
}
