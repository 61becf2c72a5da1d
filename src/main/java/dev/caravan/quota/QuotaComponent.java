package dev.caravan.quota;

import java.util.Map;
import java.util.concurrent.Executor;

import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code quota:<name>[?keyRpm=..&userTpm=..]} endpoint that a profile route lists first, as one short step:
 * {@code - to: quota:default}. It takes the call's share of its key's and its user's per-minute limits in Redis, or
 * refuses it with 429. A profile without the step has no rate limits. See {@link QuotaProducer}.
 */
public class QuotaComponent extends DefaultComponent {

    private final Quotas quotas;
    private final Executor counting;
    private final CacheStepFollows cacheStepFollows = new CacheStepFollows();

    QuotaComponent(Quotas quotas, Executor counting) {
        this.quotas = quotas;
        this.counting = counting;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank() || !remaining.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("quota: endpoint needs a quota name of letters, digits, '.', '_' or '-',"
                    + " e.g. quota:default");
        }
        QuotaEndpoint endpoint = new QuotaEndpoint(uri, this, remaining, quotas, counting);
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    CacheStepFollows cacheStepFollows() {
        return cacheStepFollows;
    }
}
