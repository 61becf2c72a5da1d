package dev.caravan.provider.anthropic;

import dev.caravan.provider.ProviderSettings;

/** An {@code anthropic} instance's settings: the common ones, the API version header and a default max_tokens. */
public class AnthropicSettings extends ProviderSettings {

    private String anthropicVersion = "2023-06-01";
    private int maxTokens = AnthropicRequestMapper.DEFAULT_MAX_TOKENS;

    /** The {@code anthropic-version} header. */
    public String getAnthropicVersion() {
        return anthropicVersion;
    }

    public void setAnthropicVersion(String anthropicVersion) {
        this.anthropicVersion = anthropicVersion;
    }

    /** {@code max_tokens} when the client sets none (Anthropic requires one). */
    public int getMaxTokens() {
        return maxTokens;
    }

    public void setMaxTokens(int maxTokens) {
        this.maxTokens = maxTokens > 0 ? maxTokens : AnthropicRequestMapper.DEFAULT_MAX_TOKENS;
    }
}
