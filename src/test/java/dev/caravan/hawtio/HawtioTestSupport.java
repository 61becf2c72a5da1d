package dev.caravan.hawtio;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.management.MalformedObjectNameException;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravan.support.GatewayTestSupport;
import org.apache.camel.test.spring.junit5.DisableJmx;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * A gateway with Hawtio on: its own Spring context (the shared one of the other tests keeps Hawtio off), closed
 * after the class, so Tomcat runs only while these tests do. The management server binds a free port of
 * 127.0.0.1, and Camel registers its MBeans as it does outside tests.
 */
@TestPropertySource(properties = {"caravan.hawtio.enabled=true", "caravan.hawtio.port=0",
        "caravan.hawtio.address=127.0.0.1"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
// Camel's test support turns JMX off; Hawtio shows what Camel registers there, as in production
@DisableJmx(false)
abstract class HawtioTestSupport extends GatewayTestSupport {

    @Autowired
    protected ManagementServer managementServer;

    protected String managementUrl() {
        return "http://127.0.0.1:" + managementServer.port();
    }

    protected static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    protected HttpResponse<String> managementGet(String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(managementUrl() + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return send(request.build());
    }

    /** One Jolokia request (POST, JSON) with the admin key; Jolokia answers 200 and puts its own status inside. */
    protected JsonNode jolokia(String request) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(managementUrl() + "/jolokia/"))
                .header("Authorization", basic("ops", ADMIN_KEY))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(request)).build());
        return json(response.body());
    }

    /** The JMX name of one of this gateway's Camel MBeans, e.g. {@code type=routes,name="provider-demo"}. */
    protected String camelMBean(String keys) {
        return "org.apache.camel:context=" + camelJmxName() + "," + keys;
    }

    /**
     * This gateway's Camel context in JMX names: another gateway of the test JVM (the shared context) may hold the
     * plain name, and Camel then registers this one under another.
     */
    protected String camelJmxName() {
        try {
            return camel.getManagementStrategy().getManagementObjectNameStrategy().getObjectNameForCamelContext(camel)
                    .getKeyProperty("context");
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
