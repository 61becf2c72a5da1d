package dev.caravan.account;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/** Reads what a caller presented (key headers, address, referrer) from a platform-http message. */
public final class RequestCredentials {

    private RequestCredentials() {
    }

    public static Authenticator.Credentials from(Message message) {
        return new Authenticator.Credentials(message.getHeader("Authorization", String.class),
                message.getHeader("X-API-Key", String.class), remoteIp(message), message.getHeader("Referer", String.class),
                message.getHeader("Origin", String.class));
    }

    /** The caller's address as the server saw it (behind a proxy, the proxy's). */
    public static String remoteIp(Message message) {
        HttpServerRequest request = message instanceof HttpMessage http ? http.getRequest() : null;
        SocketAddress address = request != null ? request.remoteAddress() : null;
        return address != null ? address.hostAddress() : null;
    }
}
