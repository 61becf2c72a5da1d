package dev.caravan.call;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravan.account.Identity;
import dev.caravan.call.Attempt;
import dev.caravan.call.Operation;
import dev.caravan.openai.TokenBound;
import dev.caravan.openai.TokenCounter;
import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The state of one client request as it crosses the routes: what was asked, where it went, who answered.
 * It lives in one exchange property and is shared by reference, so what a provider attempt records survives
 * the exchange copies the failover EIP makes.
 */
public final class CallContext {

    public static final String PROPERTY = "caravan.call";

    private final String requestId;
    private final String clientRequestId;
    private volatile long promptTokens = -1;
    private final Operation operation;
    private final long startNanos = System.nanoTime();
    private final HttpServerResponse response;
    private final ObjectNode body;
    private final String requestedModel;
    private final boolean stream;
    private final boolean includeUsage;
    private final List<Attempt> attempts = Collections.synchronizedList(new ArrayList<>(2));
    private final List<String[]> responseHeaders = new ArrayList<>(0);
    private final List<Consumer<CallOutcome>> whenFinished = new ArrayList<>(0);
    private final List<Consumer<Exchange>> whenAnswered = new ArrayList<>(0);
    private final Map<String, String> stepHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private volatile BigDecimal fixedPrice;
    private volatile long outputAllowance = -1;
    private volatile CompletionStage<RuntimeException> pendingAdmission;
    /** System.nanoTime() by which the call must have its answer, or 0: no total deadline. */
    private volatile long deadlineNanos;

    private final Identity identity;
    private String profile;
    private String rawModel;
    private String rawProvider;
    private BigDecimal reserved;
    private volatile String provider;
    private volatile String model;

    /**
     * @param requestId the call's own id, always made by Caravan: its reservation, charge and ledger row are keyed
     *     by it, so a client that reuses an {@code x-request-id} can neither collide with nor hide another call
     * @param clientRequestId the client's {@code x-request-id}, if it sent a sane one (kept in the ledger)
     */
    public CallContext(String requestId, String clientRequestId, Operation operation, HttpServerResponse response,
            ObjectNode body, Identity identity) {
        this.requestId = requestId;
        this.clientRequestId = clientRequestId;
        this.identity = identity;
        this.operation = operation;
        this.response = response;
        this.body = body;
        this.requestedModel = body.path("model").asText();
        this.stream = operation == Operation.CHAT && body.path("stream").asBoolean(false);
        this.includeUsage = body.path("stream_options").path("include_usage").asBoolean(false);
    }

    public static CallContext of(Exchange exchange) {
        return exchange.getProperty(PROPERTY, CallContext.class);
    }

    public String requestId() {
        return requestId;
    }

    public String clientRequestId() {
        return clientRequestId;
    }

    /**
     * An upper bound of the prompt's tokens, from its UTF-8 length ({@link TokenBound}): what the credit hold is
     * taken on, at the cost of one pass over the text instead of a tokenizer run.
     */
    public long promptTokenBound() {
        return operation == Operation.EMBEDDINGS ? TokenBound.embeddingsInput(body.path("input"))
                : TokenBound.chatPrompt(body);
    }

    /**
     * Prompt tokens as Caravan counts them (tokenizer), once per call, only where the exact count matters: the
     * billed usage when a provider reports none, a hold the cheap bound could not get, the estimate API.
     */
    public long promptTokens() {
        long counted = promptTokens;
        if (counted < 0) {
            counted = operation == Operation.EMBEDDINGS ? TokenCounter.countEmbeddingsInput(body.path("input"))
                    : TokenCounter.countChatPrompt(body);
            promptTokens = counted;
        }
        return counted;
    }

    /** The id the client sees in {@code x-request-id} and the logs show: its own if it sent one. */
    public String shownRequestId() {
        return clientRequestId != null ? clientRequestId : requestId;
    }

    public Operation operation() {
        return operation;
    }

    public long startNanos() {
        return startNanos;
    }

    /** The client's HTTP response, for writing a stream event by event. */
    public HttpServerResponse response() {
        return response;
    }

    /** The client's request body, exactly as sent. Adapters copy it; they never change it. */
    public ObjectNode body() {
        return body;
    }

    public String requestedModel() {
        return requestedModel;
    }

    public boolean stream() {
        return stream;
    }

    /** Whether a streaming client asked for the final usage chunk ({@code stream_options.include_usage}). */
    public boolean includeUsage() {
        return includeUsage;
    }

    /** Who is calling; null only for calls made without authentication (tests of the pipeline parts). */
    public Identity identity() {
        return identity;
    }

    /** The worst-case amount held for this call; null when nothing was reserved. */
    public BigDecimal reserved() {
        return reserved;
    }

    public void reserved(BigDecimal reserved) {
        this.reserved = reserved;
    }

    /**
     * The output tokens the call may use at most, as its credit hold counted them ({@code max_completion_tokens}
     * or {@code max_tokens} times {@code n}, else the model's {@code max_output}); -1 before the call was admitted.
     */
    public long outputAllowance() {
        return outputAllowance;
    }

    public void outputAllowance(long tokens) {
        this.outputAllowance = tokens;
    }

    public String profile() {
        return profile;
    }

    public void profile(String profile) {
        this.profile = profile;
    }

    /** The upstream model of a raw {@code provider/model} id; null for profiles. */
    public String rawModel() {
        return rawModel;
    }

    public void rawModel(String rawModel) {
        this.rawModel = rawModel;
    }

    /** The provider instance of a raw {@code provider/model} id; null for profiles. */
    public String rawProvider() {
        return rawProvider;
    }

    public void rawProvider(String rawProvider) {
        this.rawProvider = rawProvider;
    }

    public void recordAttempt(Attempt attempt) {
        attempts.add(attempt);
        if (!attempt.failed()) {
            this.provider = attempt.provider();
            this.model = attempt.model();
        }
    }

    /**
     * Sets the request's total deadline across all attempts and retries, {@code timeoutNanos} from the call's
     * start; 0 or less: none.
     */
    public void deadlineAfter(long timeoutNanos) {
        this.deadlineNanos = timeoutNanos <= 0 ? 0 : startNanos + timeoutNanos;
    }

    /** Nanoseconds left before the total deadline ({@link Long#MAX_VALUE} without one); 0 or less: passed. */
    public long remainingNanos() {
        long deadline = deadlineNanos;
        return deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
    }

    /** The deadline as a System.nanoTime() value, 0 without one. */
    public long deadlineNanos() {
        return deadlineNanos;
    }

    /**
     * Provider tries: each network try (retries included) and each provider its open circuit breaker skipped
     * (shown so). One not configured, or not tried because the deadline had passed, does not count.
     */
    public int attemptsMade() {
        int made = 0;
        synchronized (attempts) {
            for (Attempt attempt : attempts) {
                if (attempt.failure() != FailureKind.UNAVAILABLE && attempt.failure() != FailureKind.DEADLINE) {
                    made++;
                }
            }
        }
        return made;
    }

    /** The providers skipped because their circuit breaker was open, in order; empty mostly. */
    public List<String> skippedByBreaker() {
        synchronized (attempts) {
            List<String> skipped = List.of();
            for (Attempt attempt : attempts) {
                if (attempt.failure() == FailureKind.CIRCUIT_OPEN) {
                    if (skipped.isEmpty()) {
                        skipped = new ArrayList<>(1);
                    }
                    skipped.add(attempt.model() == null ? attempt.provider() : attempt.provider() + "/" + attempt.model());
                }
            }
            return skipped;
        }
    }

    public List<Attempt> attempts() {
        synchronized (attempts) {
            return List.copyOf(attempts);
        }
    }

    /** The provider that answered; null when none did. */
    public String provider() {
        return provider;
    }

    /** The upstream model that answered; null when none did. */
    public String model() {
        return model;
    }

    /**
     * Puts this call's request id into the logging MDC until closed: a call moves between threads (the event
     * loop, a worker), so each step that logs names its call rather than trusting what a thread was left with.
     */
    public MDC.MDCCloseable inLogs() {
        return MDC.putCloseable(RequestIds.MDC_KEY, shownRequestId());
    }

    /**
     * Adds a header to the call's answer, whatever it turns out to be (JSON, stream or error): a step of the
     * route that knows something the client should see (its rate limits, whether the cache answered).
     * The last value set for a name wins.
     */
    public void responseHeader(String name, String value) {
        synchronized (responseHeaders) {
            responseHeaders.removeIf(header -> header[0].equalsIgnoreCase(name));
            responseHeaders.add(new String[] {name, value});
        }
    }

    /** The headers steps added with {@link #responseHeader}, in the order they were first set. */
    public List<String[]> responseHeaders() {
        synchronized (responseHeaders) {
            return responseHeaders.isEmpty() ? List.of() : List.copyOf(responseHeaders);
        }
    }

    /**
     * Leaves an admission decision that is still on its way (the quota step's Redis script) to the next step, which
     * sends its own Redis command behind it on the same connection and so gets both replies in one round trip. The
     * decision completes with the refusal to fail the call with, or null: the call is admitted.
     */
    public void pendingAdmission(CompletionStage<RuntimeException> decision) {
        this.pendingAdmission = decision;
    }

    /** The admission decision left by {@link #pendingAdmission}, once: the caller must await it before going on. */
    public CompletionStage<RuntimeException> takePendingAdmission() {
        CompletionStage<RuntimeException> decision = pendingAdmission;
        pendingAdmission = null;
        return decision;
    }

    /**
     * Runs {@code action} once the call has been answered, with how it ended (after a stream's last event): a
     * step that took something for the call (quota, a cache entry to store) settles it there. Actions run on
     * the thread that finishes the call and must not block.
     */
    public void whenFinished(Consumer<CallOutcome> action) {
        synchronized (whenFinished) {
            whenFinished.add(action);
        }
    }

    /**
     * Runs {@code action} on the exchange once the call's target (its profile or provider route) has returned an
     * answer, before the answer is written: a step of the profile that must see or wrap what the providers
     * answered (the response cache records a stream as it passes to the client). Not run when the target failed.
     * Actions run on the thread that completes the target (an event loop) and must not block.
     */
    public void whenAnswered(Consumer<Exchange> action) {
        synchronized (whenAnswered) {
            whenAnswered.add(action);
        }
    }

    /** Called once by the API route when the target returned an answer. */
    public void answered(Exchange exchange) {
        List<Consumer<Exchange>> actions;
        synchronized (whenAnswered) {
            if (whenAnswered.isEmpty()) {
                return;
            }
            actions = List.copyOf(whenAnswered);
            whenAnswered.clear();
        }
        for (Consumer<Exchange> action : actions) {
            action.accept(exchange);
        }
    }

    /**
     * Keeps a request header that a route step reads ({@code x-caravan-cache}): the intake removes every client
     * header before the routes run, so that none reaches a provider.
     */
    public void stepHeader(String name, String value) {
        synchronized (stepHeaders) {
            stepHeaders.put(name, value);
        }
    }

    /** A request header kept with {@link #stepHeader(String, String)}; null when the client did not send it. */
    public String stepHeader(String name) {
        synchronized (stepHeaders) {
            return stepHeaders.get(name);
        }
    }

    /**
     * Marks the call as answered by the response cache: no provider was asked, the answer came from
     * {@code provider}'s {@code model} earlier, and the call costs {@code price} whatever its usage (zero by
     * default). Attempts stay zero.
     */
    public void answeredFromCache(String provider, String model, BigDecimal price) {
        this.provider = provider;
        this.model = model;
        this.fixedPrice = price;
    }

    /** Whether the answer came from the response cache. */
    public boolean fromCache() {
        return fixedPrice != null;
    }

    /** What the call costs regardless of its usage (a cache hit); null when it is priced by its usage. */
    public BigDecimal fixedPrice() {
        return fixedPrice;
    }

    /** Called once by the step that finishes the call. */
    public void finished(CallOutcome outcome) {
        List<Consumer<CallOutcome>> actions;
        synchronized (whenFinished) {
            actions = List.copyOf(whenFinished);
            whenFinished.clear();
        }
        for (Consumer<CallOutcome> action : actions) {
            try {
                action.accept(outcome);
            } catch (RuntimeException e) {
                // the call is answered and billed whatever an action does; it is only logged
                try (MDC.MDCCloseable ignored = inLogs()) {
                    LoggerFactory.getLogger(CallContext.class).warn("an action after the call failed: {}", e.toString());
                }
            }
        }
    }
}
