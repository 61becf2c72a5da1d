package dev.caravan.quota;

import java.util.concurrent.Executor;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/**
 * See {@link QuotaComponent}: the limits of one profile's quota step. An option left out takes the default of
 * {@code caravan.quota}; 0 is no limit. A key's own {@code rate_limit_rpm}/{@code rate_limit_tpm} and a user's
 * own limits (admin API) win over both.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "quota", title = "Caravan rate limits", syntax = "quota:name",
        producerOnly = true, category = {Category.MONITORING}, lenientProperties = false)
public class QuotaEndpoint extends DefaultEndpoint {

    @UriPath(description = "The quota's name: part of every Redis key, so profiles with different names count apart")
    private final String name;

    @UriParam(description = "Requests per minute of one API key (default caravan.quota.key-rpm)")
    private Long keyRpm;

    @UriParam(description = "Tokens per minute of one API key (default caravan.quota.key-tpm)")
    private Long keyTpm;

    @UriParam(description = "Requests per minute of one user (default caravan.quota.user-rpm)")
    private Long userRpm;

    @UriParam(description = "Tokens per minute of one user (default caravan.quota.user-tpm)")
    private Long userTpm;

    @UriParam(description = "Serve (true) or refuse with 503 (false) while Redis cannot be asked"
            + " (default caravan.quota.fail-open)")
    private Boolean failOpen;

    private final Quotas quotas;
    private final Executor counting;

    QuotaEndpoint(String uri, QuotaComponent component, String name, Quotas quotas, Executor counting) {
        super(uri, component);
        this.name = name;
        this.quotas = quotas;
        this.counting = counting;
    }

    void validate() {
        for (Long limit : new Long[] {keyRpm, keyTpm, userRpm, userTpm}) {
            if (limit != null && limit < 0) {
                throw new IllegalArgumentException("quota: limits must be 0 (none) or more");
            }
        }
    }

    @Override
    public Producer createProducer() {
        return new QuotaProducer(this, quotas, counting, ((QuotaComponent) getComponent()).cacheStepFollows());
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("quota: is a producer only endpoint");
    }

    public String getName() {
        return name;
    }

    /** This step's limit: its option, else the configured default. */
    long limit(Limit limit) {
        QuotaProperties defaults = quotas.defaults();
        return switch (limit) {
            case KEY_RPM -> keyRpm != null ? keyRpm : defaults.keyRpm();
            case KEY_TPM -> keyTpm != null ? keyTpm : defaults.keyTpm();
            case USER_RPM -> userRpm != null ? userRpm : defaults.userRpm();
            case USER_TPM -> userTpm != null ? userTpm : defaults.userTpm();
        };
    }

    boolean failsOpen() {
        return failOpen != null ? failOpen : quotas.defaults().failOpen();
    }

    public Long getKeyRpm() {
        return keyRpm;
    }

    public void setKeyRpm(Long keyRpm) {
        this.keyRpm = keyRpm;
    }

    public Long getKeyTpm() {
        return keyTpm;
    }

    public void setKeyTpm(Long keyTpm) {
        this.keyTpm = keyTpm;
    }

    public Long getUserRpm() {
        return userRpm;
    }

    public void setUserRpm(Long userRpm) {
        this.userRpm = userRpm;
    }

    public Long getUserTpm() {
        return userTpm;
    }

    public void setUserTpm(Long userTpm) {
        this.userTpm = userTpm;
    }

    public Boolean getFailOpen() {
        return failOpen;
    }

    public void setFailOpen(Boolean failOpen) {
        this.failOpen = failOpen;
    }
}
