package dev.caravan.provider;

import java.io.IOException;

import dev.caravan.call.CallContext;
import dev.caravan.call.FailureKind;
import dev.caravan.openai.ApiException;
import dev.caravan.upstream.UpstreamFailure;
import dev.caravan.upstream.UpstreamRequest;
import dev.caravan.upstream.UpstreamResponse;
import org.apache.camel.AsyncCallback;
import org.apache.camel.AsyncProducer;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultAsyncProducer;
import org.apache.camel.support.service.ServiceHelper;

/**
 * One attempt through an adapter: request, non-blocking call, answer. It completes on the event loop that read
 * the provider's answer, never waiting on it.
 */
final class AdapterProducer extends DefaultAsyncProducer {

    private final ProviderAdapter<ProviderSettings> adapter;
    private final ProviderSettings settings;
    private AsyncProducer upstream;

    @SuppressWarnings("unchecked")
    AdapterProducer(AdapterEndpoint endpoint, ProviderAdapter<?> adapter, ProviderSettings settings) {
        super(endpoint);
        this.adapter = (ProviderAdapter<ProviderSettings>) adapter;
        this.settings = settings;
    }

    @Override
    protected void doStart() throws Exception {
        upstream = getEndpoint().getCamelContext().getEndpoint("upstream:" + settings.getName()).createAsyncProducer();
        ServiceHelper.startService(upstream);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(upstream);
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        CallContext call = CallContext.of(exchange);
        ProviderTarget target = ProviderTarget.of(exchange);
        UpstreamRequest request;
        try {
            request = adapter.request(call, target, settings);
        } catch (ApiException refused) {
            exchange.getMessage().setBody(new ProviderResult.Rejected(refused.error()));
            callback.done(true);
            return true;
        } catch (RuntimeException broken) {
            // a settings value the request cannot be built from (a malformed baseUrl): this attempt fails over
            exchange.setException(broken);
            callback.done(true);
            return true;
        }
        exchange.getMessage().setBody(request);
        return upstream.process(exchange, doneSync -> answer(exchange, call, target, doneSync, callback));
    }

    private void answer(Exchange exchange, CallContext call, ProviderTarget target, boolean doneSync,
                        AsyncCallback callback) {
        if (exchange.getException() instanceof UpstreamFailure failure) {
            exchange.setException(technical(target.provider(), failure));
            callback.done(doneSync);
            return;
        }
        Object body = exchange.getMessage().getBody();
        exchange.getMessage().removeHeaders("*");
        if (body instanceof UpstreamResponse.Whole whole) {
            try {
                exchange.getMessage().setBody(adapter.answer(call, target, settings, whole));
            } catch (ProviderFailureException | RuntimeException e) {
                exchange.setException(e);
            }
            callback.done(doneSync);
        } else if (body instanceof UpstreamResponse.EventStream stream) {
            StreamTranslator translator = adapter.stream(call, target, settings);
            RelayedChunkStream.open(stream, translator, (chunks, failure) -> {
                if (failure != null) {
                    exchange.setException(beforeFirstChunk(target.provider(), failure));
                } else {
                    exchange.getMessage().setBody(new ProviderResult.Streaming(chunks));
                }
                callback.done(false);
            });
        } else {
            callback.done(doneSync);
        }
    }

    /** What failover and the attempt log need to know of a failed call: its kind, status and a safe reason. */
    static ProviderFailureException technical(String provider, UpstreamFailure failure) {
        int status = failure.status();
        FailureKind kind = switch (failure.kind()) {
            case CONNECT -> FailureKind.CONNECTION;
            case TIMEOUT -> FailureKind.TIMEOUT;
            case STREAM_CUT -> FailureKind.SERVER_ERROR;
            case STATUS -> status == 429 ? FailureKind.RATE_LIMITED
                    : status == 408 || status == 504 ? FailureKind.TIMEOUT : FailureKind.SERVER_ERROR;
        };
        String reason = switch (kind) {
            case RATE_LIMITED -> "rate limited by " + provider;
            case TIMEOUT -> status > 0 ? provider + " timed out (" + status + ")" : provider + " timed out";
            case CONNECTION -> "connection to " + provider + " failed (" + failure.getMessage() + ")";
            default -> status > 0 ? provider + " answered " + status : provider + " broke off its answer";
        };
        return new ProviderFailureException(kind, status, reason, failure);
    }

    /** A stream that ended or failed before its first chunk is a technical failure: the next provider is tried. */
    static ProviderFailureException beforeFirstChunk(String provider, IOException failure) {
        if (failure instanceof UpstreamStreamException e) {
            String reason = e.error().code() != null ? e.error().code() : e.error().type();
            return new ProviderFailureException(FailureKind.SERVER_ERROR, 200, "stream began with an error: " + reason);
        }
        if (failure.getCause() instanceof UpstreamFailure upstream) {
            return technical(provider, upstream);
        }
        return new ProviderFailureException(FailureKind.SERVER_ERROR, 200,
                provider + " ended its stream before the first chunk");
    }
}
