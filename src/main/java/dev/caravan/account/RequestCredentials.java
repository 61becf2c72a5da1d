package dev.caravan.account;

import jakarta.servlet.http.HttpServletRequest;
import org.apache.camel.Message;

/** Reads what a caller presented (key headers, address, referrer) from a platform-http message. */
public final class RequestCredentials {

    public static final String SERVLET_REQUEST_HEADER = "CamelHttpServletRequest";

    private RequestCredentials() {
    }

    public static Authenticator.Credentials from(Message message) {
        HttpServletRequest request = message.getHeader(SERVLET_REQUEST_HEADER, HttpServletRequest.class);
        String ip = request != null ? request.getRemoteAddr() : null;
        return new Authenticator.Credentials(message.getHeader("Authorization", String.class),
                message.getHeader("X-API-Key", String.class), ip, message.getHeader("Referer", String.class),
                message.getHeader("Origin", String.class));
    }
}
