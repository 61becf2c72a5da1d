package dev.caravan.api;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The fixed front of the gateway: the OpenAI endpoints. A model call is parsed and validated, sent to the
 * profile or provider its {@code model} names, and answered as JSON or as a stream. Everything that can be
 * tuned (profiles, providers, failover) lives in the YAML routes this one calls.
 */
@Component
public class ApiRoutes extends RouteBuilder {

    private final RequestIntake intake;
    private final ResponseWriter responses;
    private final ErrorResponder errors;
    private final ModelsApi models;

    public ApiRoutes(RequestIntake intake, ResponseWriter responses, ErrorResponder errors, ModelsApi models) {
        this.intake = intake;
        this.responses = responses;
        this.errors = errors;
        this.models = models;
    }

    @Override
    public void configure() {
        // every failure ends here, OpenAI-shaped; nothing is left for Camel's default error output
        onException(Exception.class)
                .handled(true)
                .process(errors::respond);

        from("platform-http:/v1/chat/completions?httpMethodRestrict=POST&useStreaming=true")
                .routeId("api-chat-completions")
                .process(intake::chat)
                .toD("${exchangeProperty." + RequestIntake.TARGET_PROPERTY + "}")
                .process(responses::write);

        from("platform-http:/v1/embeddings?httpMethodRestrict=POST&useStreaming=true")
                .routeId("api-embeddings")
                .process(intake::embeddings)
                .toD("${exchangeProperty." + RequestIntake.TARGET_PROPERTY + "}")
                .process(responses::write);

        from("platform-http:/v1/models?httpMethodRestrict=GET&matchOnUriPrefix=true")
                .routeId("api-models")
                .process(models::respond);
    }
}
