package dev.caravan.provider;

import java.net.http.HttpResponse;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.caravan.support.GatewayTestSupport;
import dev.caravan.support.OpenAiFixtures;
import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.support.PluginHelper;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider keys live in each instance's typed settings bean: they reach the upstream (the route tests check each
 * adapter's header) but never the route model nor an endpoint URI, so an operator's route dump with its placeholders
 * resolved, or the endpoint list, as JMX and Hawtio show them, holds none.
 */
class ProviderSettingsTest extends GatewayTestSupport {

    /** The keys the test providers are configured with (src/test/resources/test-routes). */
    private static final String[] KEYS = {"sk-test-a-0123456789", "sk-ant-test-0123456789",
            "gemini-test-key-0123456789", "azure-test-key-0123456789"};

    @Autowired
    private CamelContext camelContext;

    @Test
    void resolvedRouteDumpsShowNoProviderKey() throws Exception {
        // what a route's MBean answers to dumpRouteAsXml(true), as Hawtio asks for it
        // (the tests run without JMX, so the dumpers are called as the MBeans call them)
        StringBuilder dumps = new StringBuilder();
        for (RouteDefinition route : camelContext.getCamelContextExtension().getContextPlugin(Model.class)
                .getRouteDefinitions()) {
            if (route.getRouteId().startsWith("provider-")) {
                dumps.append(PluginHelper.getModelToXMLDumper(camelContext)
                        .dumpModelAsXml(camelContext, route, true, false, false));
            }
        }

        assertThat(dumps).contains("provider-stub-a", "provider-stub-gemini").doesNotContain(KEYS);
    }

    @Test
    void eachInstanceOfATemplateSendsItsOwnKey() {
        for (String instance : new String[] {"a", "b"}) {
            STUB.stubFor(WireMock.post("/" + instance + "/v1/chat/completions").willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(OpenAiFixtures.completion("model-" + instance, "Hello."))));
            HttpResponse<String> response = postJson("/v1/chat/completions", "{\"model\":\"stub-" + instance
                    + "/model-" + instance + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}");
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            STUB.verify(postRequestedFor(urlEqualTo("/" + instance + "/v1/chat/completions"))
                    .withHeader("Authorization", equalTo("Bearer sk-test-" + instance + "-0123456789")));
        }
    }

    @Test
    void endpointUrisShowNoProviderKey() {
        String uris = camelContext.getEndpoints().stream().map(e -> e.getEndpointUri()).reduce("", String::concat);
        assertThat(uris).contains("adapter:", "settings=").doesNotContain(KEYS);
    }

    @Test
    void aProviderWithoutKeyGetsNoHeader() {
        ProviderSettings settings = new ProviderSettings();
        assertThat(settings.jsonHeaders(false, "authorization", "Bearer ").first("authorization")).isNull();
        settings.setApiKey("sk-test-0123456789");
        assertThat(settings.jsonHeaders(false, "authorization", "Bearer ").first("authorization"))
                .isEqualTo("Bearer sk-test-0123456789");
        assertThat(settings.toString()).doesNotContain("sk-test-0123456789");
    }
}
