package dev.caravan.provider.gemini;

import dev.caravan.provider.ProviderSettings;

/** A {@code gemini} instance's settings: only the common ones (the base URL includes the API version). */
public class GeminiSettings extends ProviderSettings {
}
