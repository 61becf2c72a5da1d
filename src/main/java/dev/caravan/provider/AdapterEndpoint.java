package dev.caravan.provider;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.support.DefaultEndpoint;

/** See {@link AdapterComponent}. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "adapter", title = "Caravan provider adapter", syntax = "adapter:name",
        producerOnly = true, category = {Category.HTTP}, lenientProperties = false)
public class AdapterEndpoint extends DefaultEndpoint {

    private final ProviderAdapter<?> adapter;

    @UriParam(description = "The provider instance's settings bean (the template's local bean: #{{settings}})")
    private ProviderSettings settings;

    AdapterEndpoint(String uri, AdapterComponent component, ProviderAdapter<?> adapter) {
        super(uri, component);
        this.adapter = adapter;
    }

    @Override
    public Producer createProducer() {
        if (settings == null || !adapter.settingsType().isInstance(settings)) {
            throw new IllegalArgumentException(getEndpointUri() + " needs settings of type "
                    + adapter.settingsType().getName() + ", got " + (settings == null ? "none" : settings.getClass().getName()));
        }
        AdapterComponent component = (AdapterComponent) getComponent();
        return new AdapterProducer(this, adapter, settings, component.breakers(), component.health());
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("adapter: is a producer only endpoint");
    }

    public ProviderSettings getSettings() {
        return settings;
    }

    public void setSettings(ProviderSettings settings) {
        this.settings = settings;
    }
}
