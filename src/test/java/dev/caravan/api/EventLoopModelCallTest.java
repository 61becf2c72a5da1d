package dev.caravan.api;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.caravan.account.ApiKey;
import dev.caravan.account.Identity;
import dev.caravan.account.KeyStore;
import dev.caravan.billing.CreditHold;
import dev.caravan.billing.CreditLeases;
import dev.caravan.call.RequestIds;
import dev.caravan.eventloop.OffLoop;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.apache.camel.AsyncCallback;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Processor;
import org.apache.camel.model.ProcessDefinition;
import org.apache.camel.model.ToDefinition;
import org.apache.camel.spi.InterceptStrategy;
import org.apache.camel.support.AsyncProcessorConverterHelper;
import org.apache.camel.support.processor.DelegateAsyncProcessor;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The gateway with {@code caravan.http.event-loop} on (the default): a model call whose key is cached and whose credit lease
 * has room is taken in and admitted on the event loop that read it; a call that needs the database does that
 * on a worker. A probe (a Camel intercept strategy, test-only) records on which thread each hop-when-needed
 * step started and on which it finished.
 */
@TestPropertySource(properties = {"caravan.http.event-loop=true", "caravan.database.max-pool-size=4"})
@Import(EventLoopModelCallTest.ThreadProbe.class)
// a gateway of its own, closed after these tests: it would hold its connections and threads for the whole run
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class EventLoopModelCallTest extends GatewayTestSupport {

    private static final String LOOP = "vert.x-eventloop-thread-";
    private static final String CHAT =
            "{\"model\":\"stub-a/model-a\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /** One run of a hop-when-needed step: the call (its x-request-id), the step, where it started and ended. */
    record StepRun(String requestId, String step, String startedOn, String finishedOn) {
    }

    static final List<StepRun> RUNS = new CopyOnWriteArrayList<>();

    /** Wraps every {@link OffLoop} step of the routes to record its threads. */
    @TestConfiguration
    static class ThreadProbe {

        @Bean
        InterceptStrategy offLoopThreadProbe() {
            return new InterceptStrategy() {
                @Override
                public Processor wrapProcessorInInterceptors(CamelContext context, NamedNode definition, Processor target,
                        Processor nextTarget) {
                    String name;
                    if (definition instanceof ProcessDefinition process && process.getProcessor() instanceof OffLoop step) {
                        name = step.name();
                    } else if (definition instanceof ToDefinition to && to.getUri().startsWith("adapter:")) {
                        name = "adapter"; // the provider call: request, upstream:, answer
                    } else {
                        return target;
                    }
                    return new DelegateAsyncProcessor(AsyncProcessorConverterHelper.convert(target)) {
                        @Override
                        public boolean process(Exchange exchange, AsyncCallback callback) {
                            String startedOn = Thread.currentThread().getName();
                            return processor.process(exchange, doneSync -> {
                                RUNS.add(new StepRun(exchange.getProperty(RequestIds.HEADER, String.class), name,
                                        startedOn, Thread.currentThread().getName()));
                                callback.done(doneSync);
                            });
                        }
                    };
                }
            };
        }
    }

    @Autowired
    CreditLeases leases;

    private HttpResponse<String> chat(String key, String requestId) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl() + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                .header(RequestIds.HEADER, requestId)
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build());
    }

    private static StepRun run(String requestId, String step) {
        Optional<StepRun> run = RUNS.stream().filter(r -> r.requestId().equals(requestId) && r.step().equals(step))
                .findFirst();
        assertThat(run).as(step + " of " + requestId + " in " + RUNS).isPresent();
        return run.get();
    }

    @Test
    void aCallWithACachedKeyAndAFundedLeaseStaysOnTheEventLoopAndOneThatNeedsTheDatabaseHopsToAWorker() {
        STUB.stubFor(post("/a/v1/chat/completions").willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(OpenAiFixtures.completion("model-a", "Hi."))));
        Account account = newAccount(new BigDecimal("100"));
        String first = "loop-first-" + System.nanoTime();
        String second = "loop-second-" + System.nanoTime();

        // a new key: not cached, no lease
        assertThat(chat(account.key(), first).statusCode()).isEqualTo(200);

        // another call of the key is running (as a stream would), so its lease stays however slow the machine
        ApiKey key = new KeyStore(jdbc).find(account.keyId()).orElseThrow();
        CreditHold running = leases.hold("running-" + System.nanoTime(),
                new Identity(account.userId(), key, false, List.of(), key.prefix()), new BigDecimal("1.00"));
        try {
            assertThat(chat(account.key(), second).statusCode()).isEqualTo(200);
        } finally {
            running.close(BigDecimal.ZERO);
        }

        // the first call started on the loop, found the key not cached, and took it in on a worker: the key
        // lookup and then the lease (admission carried on where intake ended) ran off the loop
        StepRun firstIntake = run(first, "intake-chat");
        assertThat(firstIntake.startedOn()).startsWith(LOOP);
        assertThat(firstIntake.finishedOn()).doesNotStartWith(LOOP).startsWith("request");
        StepRun firstAdmission = run(first, "admission");
        assertThat(firstAdmission.startedOn()).isEqualTo(firstIntake.finishedOn());
        assertThat(firstAdmission.finishedOn()).isEqualTo(firstIntake.finishedOn());

        // the second call never left the loop that read it
        StepRun secondIntake = run(second, "intake-chat");
        StepRun secondAdmission = run(second, "admission");
        assertThat(secondIntake.startedOn()).startsWith(LOOP);
        assertThat(List.of(secondIntake.finishedOn(), secondAdmission.startedOn(), secondAdmission.finishedOn()))
                .containsOnly(secondIntake.startedOn());
        // the provider call too: the request, the non-blocking upstream call and its answer, on that same loop
        StepRun secondAdapter = run(second, "adapter");
        assertThat(List.of(secondAdapter.startedOn(), secondAdapter.finishedOn())).containsOnly(secondIntake.startedOn());
        StepRun secondLedger = run(second, "ledger-enqueue");
        assertThat(List.of(secondLedger.startedOn(), secondLedger.finishedOn())).containsOnly(secondIntake.startedOn());

        // and both reached the ledger
        await("both calls in the ledger").atMost(Duration.ofSeconds(15)).until(() -> jdbc.queryForObject(
                "select count(*) from usage_ledger where client_request_id in (?, ?)", Integer.class, first, second) == 2);
    }
}
