package dev.caravan.hawtio;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Hawtio and Jolokia on the management port: only the admin key opens them (HTTP Basic or Hawtio's login page),
 * Jolokia refuses what its policy does not allow, route sources show no provider key, and the API stays on the
 * gateway's own Vert.x port.
 */
class HawtioAccessTest extends HawtioTestSupport {

    /** The key of provider-stub-anthropic (test-routes/native-providers.yaml). */
    private static final String PROVIDER_KEY = "sk-ant-test-0123456789";

    @Autowired
    private ApplicationContext gateway;

    @Test
    void hawtioAndJolokiaAnswer401WithoutCredentials() {
        for (String path : new String[] {"/jolokia/version", "/hawtio/jolokia/version"}) {
            HttpResponse<String> response = managementGet(path, null);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
                    value -> assertThat(value).startsWith("Basic"));
        }
    }

    @Test
    void theAdminKeyOpensJolokiaWithAnyUserName() {
        for (String path : new String[] {"/jolokia/version", "/hawtio/jolokia/version"}) {
            HttpResponse<String> response = managementGet(path, basic("ops", ADMIN_KEY));
            assertThat(response.statusCode()).as(path).isEqualTo(200);
            assertThat(json(response.body()).at("/value/agent").asText()).as(path).isNotEmpty();
        }
    }

    @Test
    void aUserKeyOrAWrongKeyIsRefusedAndAudited() {
        Account user = newAccount(BigDecimal.ONE);
        assertThat(managementGet("/jolokia/version", basic("ops", user.key())).statusCode()).isEqualTo(403);
        assertThat(managementGet("/jolokia/version", basic("ops", ADMIN_KEY + "x")).statusCode()).isEqualTo(403);
        assertThat(managementGet("/jolokia/version", basic("ops", "not-a-key")).statusCode()).isEqualTo(403);

        String prefix = jdbc.queryForObject("select key_prefix from api_keys where id = ?", String.class, user.keyId());
        await("the refused user key in the audit log").atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(jdbc.queryForObject("select count(*) from audit_log where actor = ? and action = "
                        + "'auth.failed' and detail = 'admin_required'", Long.class, prefix)).isEqualTo(1));
    }

    @Test
    void hawtiosLoginTakesTheAdminKeyAndItsSessionOpensJolokia() {
        assertThat(login(userKey).statusCode()).isEqualTo(403);

        HttpResponse<String> login = login(ADMIN_KEY);
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.body()).contains("\"ops\"").doesNotContain(ADMIN_KEY);
        String session = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        assertThat(session).startsWith("JSESSIONID=");

        HttpResponse<String> version = send(HttpRequest.newBuilder(URI.create(managementUrl() + "/hawtio/jolokia/version"))
                .header("Cookie", session).GET().build());
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(json(version.body()).at("/value/agent").asText()).isNotEmpty();
    }

    @Test
    void jolokiaDeniesWhatItsPolicyDoesNotAllow() {
        assertDenied("""
                {"type":"exec","mbean":"com.sun.management:type=DiagnosticCommand","operation":"vmSystemProperties()"}""");
        assertDenied("""
                {"type":"exec","mbean":"com.sun.management:type=HotSpotDiagnostic","operation":"dumpHeap",
                 "arguments":["target/never.hprof",true]}""");
        assertDenied("""
                {"type":"exec","mbean":"jdk.management.jfr:type=FlightRecorder","operation":"newRecording()"}""");
        assertDenied("""
                {"type":"write","mbean":"java.lang:type=Memory","attribute":"Verbose","value":true}""");
        // Camel operations that would change routes or send messages through them
        String context = camelMBean("type=context,name=\\\"" + camel.getName() + "\\\"");
        assertDenied("""
                {"type":"exec","mbean":"%s","operation":"addOrUpdateRoutesFromXml(java.lang.String)",
                 "arguments":["<routes/>"]}""".formatted(context));
        assertDenied("""
                {"type":"exec","mbean":"%s","operation":"sendBody(java.lang.String,java.lang.Object)",
                 "arguments":["direct:profile-demo","x"]}""".formatted(context));
        // the diagnostic MBeans are not even listed, so Hawtio offers nothing it could not call
        assertThat(jolokia("""
                {"type":"search","mbean":"com.sun.management:*"}""").get("value")).isEmpty();

        // what Hawtio needs still works
        assertThat(jolokia("""
                {"type":"exec","mbean":"java.lang:type=Threading","operation":"dumpAllThreads(boolean,boolean)",
                 "arguments":[false,false]}""").get("status").asInt()).isEqualTo(200);
        assertThat(jolokia("""
                {"type":"read","mbean":"%s","attribute":"ExchangesTotal"}"""
                .formatted(camelMBean("type=routes,name=\\\"profile-demo\\\""))).get("status").asInt()).isEqualTo(200);
    }

    @Test
    void routeSourcesThroughJolokiaShowNoProviderKey() {
        String route = camelMBean("type=routes,name=\\\"provider-stub-anthropic\\\"");
        JsonNode routeXml = jolokia("""
                {"type":"exec","mbean":"%s","operation":"dumpRouteAsXml(boolean)","arguments":[true]}"""
                .formatted(route));
        assertThat(routeXml.get("status").asInt()).as(routeXml.toString()).isEqualTo(200);
        assertThat(routeXml.get("value").asText()).contains("provider-stub-anthropic").doesNotContain(PROVIDER_KEY);

        String context = camelMBean("type=context,name=\\\"" + camel.getName() + "\\\"");
        JsonNode allRoutes = jolokia("""
                {"type":"exec","mbean":"%s","operation":"dumpRoutesAsXml(boolean,boolean)","arguments":[true,false]}"""
                .formatted(context));
        assertThat(allRoutes.get("status").asInt()).as(allRoutes.toString()).isEqualTo(200);
        assertThat(allRoutes.get("value").asText()).contains("provider-stub-anthropic").doesNotContain(PROVIDER_KEY);

        // YAML dumps need camel-yaml-io, which the gateway does not ship: whatever comes back holds no key
        JsonNode routeYaml = jolokia("""
                {"type":"exec","mbean":"%s","operation":"dumpRouteAsYaml(boolean,boolean)","arguments":[true,true]}"""
                .formatted(route));
        assertThat(routeYaml.toString()).doesNotContain(PROVIDER_KEY);
    }

    @Test
    void theApiStaysOnTheGatewaysVertxPort() {
        assertThat(gateway).isNotInstanceOf(WebServerApplicationContext.class);
        assertThat(managementServer.port()).isNotEqualTo(port());
        for (String path : new String[] {"/hawtio/", "/jolokia/version"}) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(baseUrl() + path))
                    .header("Authorization", basic("ops", ADMIN_KEY)).GET().build());
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(error(response).get("code").asText()).as(path).isEqualTo("unknown_url");
        }
        HttpResponse<String> models = get("/v1/models");
        assertThat(models.statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> login(String password) {
        return send(HttpRequest.newBuilder(URI.create(managementUrl() + "/hawtio/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"username\":\"ops\",\"password\":\"" + password + "\"}")).build());
    }

    private void assertDenied(String request) {
        JsonNode answer = jolokia(request);
        assertThat(answer.get("status").asInt()).as(answer.toString()).isEqualTo(403);
    }
}
