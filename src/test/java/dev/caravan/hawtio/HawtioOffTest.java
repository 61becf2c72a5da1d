package dev.caravan.hawtio;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

import dev.caravan.support.GatewayTestSupport;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With {@code caravan.hawtio.enabled=false} (the default) no servlet container starts and the port stays closed. */
class HawtioOffTest extends GatewayTestSupport {

    @Test
    void withHawtioOffTheManagementPortIsClosed() throws IOException {
        int managementPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            managementPort = socket.getLocalPort();
        }
        try (ConfigurableApplicationContext gateway = startReplica("--caravan.hawtio.enabled=false",
                "--caravan.hawtio.port=" + managementPort)) {
            assertThat(gateway.getBeansOfType(ManagementServer.class)).isEmpty();
            assertThat(gateway).isNotInstanceOf(WebServerApplicationContext.class);
            assertThat(port(gateway.getBean(CamelContext.class))).isPositive();
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", managementPort), 2000);
                }
            }).isInstanceOf(ConnectException.class);
        }
    }
}
