package dev.caravan.provider;

import dev.caravan.routing.RouteCatalog;
import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** See {@link ProviderComponent}. */
@UriEndpoint(firstVersion = "0.1.0", scheme = "provider", title = "Caravan provider", syntax = "provider:name",
        producerOnly = true, category = {Category.HTTP}, lenientProperties = false)
public class ProviderEndpoint extends DefaultEndpoint {

    @UriPath(description = "The provider instance, as named in its routes/providers file")
    private final String name;

    @UriParam(description = "The upstream model; the provider's default model when absent")
    private String model;

    @UriParam(description = "This step's share of first attempts under a weighted load balancer (customLoadBalancer"
            + " ref weighted); the provider itself ignores it", defaultValue = "1")
    private double weight = 1;

    @UriParam(description = "Under a hedged load balancer (customLoadBalancer ref hedged): how long this step may go"
            + " without the first byte of its answer before the next step is started too, in ms; 0: the balancer's"
            + " default. The provider itself ignores it", defaultValue = "0")
    private long hedgeAfter;

    private final RouteCatalog catalog;

    ProviderEndpoint(String uri, ProviderComponent component, String name, RouteCatalog catalog) {
        super(uri, component);
        this.name = name;
        this.catalog = catalog;
    }

    @Override
    public Producer createProducer() {
        return new ProviderProducer(this, catalog);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("provider: is a producer only endpoint");
    }

    public String getName() {
        return name;
    }

    public String getModel() {
        return model;
    }

    public void setModel(String model) {
        this.model = model;
    }

    public double getWeight() {
        return weight;
    }

    public void setWeight(double weight) {
        this.weight = weight;
    }

    public long getHedgeAfter() {
        return hedgeAfter;
    }

    public void setHedgeAfter(long hedgeAfter) {
        this.hedgeAfter = hedgeAfter;
    }
}
