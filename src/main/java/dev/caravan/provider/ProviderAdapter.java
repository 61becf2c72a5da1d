package dev.caravan.provider;

import dev.caravan.call.CallContext;
import dev.caravan.openai.ApiException;
import dev.caravan.upstream.UpstreamRequest;
import dev.caravan.upstream.UpstreamResponse;

/**
 * What a provider's wire format needs to be spoken: the client's OpenAI call as the provider's HTTP request,
 * and the provider's answer (whole, or each event of a stream) as OpenAI's. An adapter is stateless and shared
 * by every instance of its route template; what differs between instances (URL, key, timeouts, options) is in
 * its typed settings, bound from the template's parameters. It never sees a Camel exchange: the
 * {@code adapter:} endpoint ({@link AdapterComponent}) does the plumbing, and {@code upstream:} the HTTP.
 *
 * @param <S> the settings type of this adapter's route template
 */
public interface ProviderAdapter<S extends ProviderSettings> {

    /** The settings class that the template's {@code settings} bean must be. */
    Class<S> settingsType();

    /**
     * The upstream request for this attempt. An {@link ApiException} refuses the call without contacting the
     * provider (a parameter it lacks): the client gets that 400, and failover stops, as for any business error.
     */
    UpstreamRequest request(CallContext call, ProviderTarget target, S settings);

    /**
     * A body read whole: a 2xx answer, or a business error (4xx other than 408 and 429) to pass on as
     * {@link ProviderResult.Rejected}. Throws {@link ProviderFailureException} for an answer that is the
     * provider's technical failure (not JSON, a stream request answered without a stream), so failover moves on.
     */
    ProviderResult answer(CallContext call, ProviderTarget target, S settings, UpstreamResponse.Whole answer)
            throws ProviderFailureException;

    /** A fresh translator for one streamed answer. */
    StreamTranslator stream(CallContext call, ProviderTarget target, S settings);
}
