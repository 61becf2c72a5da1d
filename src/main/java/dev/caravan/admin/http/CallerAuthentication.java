package dev.caravan.admin.http;

import dev.caravan.account.AuditLog;
import dev.caravan.account.Authenticator;
import dev.caravan.account.Identity;
import dev.caravan.account.RequestCredentials;
import dev.caravan.call.RequestIds;
import dev.caravan.openai.ApiException;
import dev.caravan.openai.OpenAiError;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The first step of every accounts endpoint: gives the request its id, then decides who is calling with the
 * {@link Authenticator} (which refuses and audits bad keys itself). Admin endpoints also need an admin key;
 * a valid non-admin key is refused with 403 and the attempt is audited, since probing the admin API with a
 * user key is exactly what an audit trail is for.
 */
@Component
public class CallerAuthentication {

    /** Exchange property holding the caller's address, for the audit log. */
    public static final String REMOTE_IP = "caravan.remoteIp";

    private final Authenticator authenticator;
    private final AuditLog audit;

    public CallerAuthentication(Authenticator authenticator, AuditLog audit) {
        this.authenticator = authenticator;
        this.audit = audit;
    }

    public void authenticate(Exchange exchange, Access access) {
        String requestId = RequestIds.fromClientOrNew(exchange.getIn().getHeader(RequestIds.HEADER, String.class));
        exchange.setProperty(RequestIds.HEADER, requestId);
        Authenticator.Credentials credentials = RequestCredentials.from(exchange.getIn());
        exchange.setProperty(REMOTE_IP, credentials.remoteIp());
        Identity identity = authenticator.authenticate(credentials);
        if (access == Access.ADMIN && !identity.admin()) {
            audit.authenticationFailed(identity.label(), "admin_required", credentials.remoteIp());
            throw new ApiException(new OpenAiError(403, "This endpoint needs an admin key; the key provided is not an admin key.",
                    OpenAiError.PERMISSION, null, "admin_required"));
        }
        exchange.setProperty(Identity.PROPERTY, identity);
    }
}
