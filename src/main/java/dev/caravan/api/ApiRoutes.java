package dev.caravan.api;

import java.util.concurrent.ExecutorService;

import dev.caravan.billing.Admission;
import dev.caravan.eventloop.EventLoopRoute;
import dev.caravan.ledger.LedgerRoutes;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.core.task.support.ExecutorServiceAdapter;
import org.springframework.stereotype.Component;

/**
 * The fixed front of the gateway: the OpenAI endpoints. A model call is authenticated, parsed and validated,
 * paid for (its worst case reserved), sent to the profile or provider its {@code model} names, answered as JSON
 * or as a stream, and wire-tapped to the usage ledger, which settles what it really cost. Everything that can be
 * tuned (profiles, providers, failover) lives in the YAML routes this one calls.
 */
@Component
public class ApiRoutes extends RouteBuilder {

    private final RequestIntake intake;
    private final ResponseWriter responses;
    private final ErrorResponder errors;
    private final ModelsApi models;
    private final Admission admission;
    private final CallFinisher finisher;

    public ApiRoutes(RequestIntake intake, Admission admission, ResponseWriter responses, ErrorResponder errors,
            CallFinisher finisher, ModelsApi models) {
        this.intake = intake;
        this.finisher = finisher;
        this.admission = admission;
        this.responses = responses;
        this.errors = errors;
        this.models = models;
    }

    /** Where each finished call's usage event goes: the ledger's queue, never blocking an event loop (see LedgerRoutes). */
    static final String USAGE_LEDGER = LedgerRoutes.ENTRY;

    /**
     * The wire tap queues its copy on the request's own thread: the seda queue takes it at once, and handing it
     * to a pool thread first cost a thread wake-up per call.
     */
    private static final ExecutorService ON_CALLER_THREAD = new ExecutorServiceAdapter(new SyncTaskExecutor());

    @Override
    public void configure() {
        // every failure ends here, OpenAI-shaped; nothing is left for Camel's default error output
        onException(Exception.class)
                .handled(true)
                .process(errors::respond)
                .process(finisher::finish)
                .wireTap(USAGE_LEDGER).executorService(ON_CALLER_THREAD);

        from("platform-http:/v1/chat/completions?httpMethodRestrict=POST&muteException=true")
                .routeId("api-chat-completions")
                .routeProperty(EventLoopRoute.PROPERTY, "true")
                .process(intake.chat())
                .process(admission.admit())
                .process(new TargetCall(getContext())) // the profile or provider route (see TargetCall)
                .process(responses)
                .process(finisher::finish)
                .wireTap(USAGE_LEDGER).executorService(ON_CALLER_THREAD);

        from("platform-http:/v1/embeddings?httpMethodRestrict=POST&muteException=true")
                .routeId("api-embeddings")
                .routeProperty(EventLoopRoute.PROPERTY, "true")
                .process(intake.embeddings())
                .process(admission.admit())
                .process(new TargetCall(getContext())) // the profile or provider route (see TargetCall)
                .process(responses)
                .process(finisher::finish)
                .wireTap(USAGE_LEDGER).executorService(ON_CALLER_THREAD);

        from("platform-http:/v1/models?httpMethodRestrict=GET&matchOnUriPrefix=true&muteException=true")
                .routeId("api-models")
                .process(models::respond);
    }
}
