package dev.caravan.upstream;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** See {@link UpstreamComponent}. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "upstream", title = "Caravan upstream HTTP", syntax = "upstream:name",
        producerOnly = true, category = {Category.HTTP}, lenientProperties = false)
public class UpstreamEndpoint extends DefaultEndpoint {

    @UriPath(description = "A label for logs and messages, typically the provider instance name")
    private final String name;

    UpstreamEndpoint(String uri, UpstreamComponent component, String name) {
        super(uri, component);
        this.name = name;
    }

    @Override
    public UpstreamComponent getComponent() {
        return (UpstreamComponent) super.getComponent();
    }

    @Override
    public Producer createProducer() {
        return new UpstreamProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("upstream: is a producer only endpoint");
    }

    public String getName() {
        return name;
    }
}
