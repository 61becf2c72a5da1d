package dev.caravan.account;

import java.util.List;

import dev.caravan.database.DatabaseProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Makes sure someone can administer the gateway, and that no default credential exists. With
 * {@code CARAVAN_ADMIN_KEY} set, that key is registered as an admin key (by its hash). Without it, on the
 * first start of the embedded database, an admin key is generated, stored as a hash and printed once to the
 * console; a server database without any admin key only gets a warning.
 */
@Component
public class AdminBootstrap implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
    private static final String ADMIN_EMAIL = "admin@caravan.local";

    private final AuthProperties auth;
    private final DatabaseProperties database;
    private final KeyStore keys;
    private final UserStore users;
    private final KeyService keyService;
    private final AuditLog audit;

    public AdminBootstrap(AuthProperties auth, DatabaseProperties database, KeyStore keys, UserStore users,
            KeyService keyService, AuditLog audit) {
        this.auth = auth;
        this.database = database;
        this.keys = keys;
        this.users = users;
        this.keyService = keyService;
        this.audit = audit;
    }

    @Override
    public void run(ApplicationArguments args) {
        String configured = auth.adminKey();
        if (configured != null && !configured.isBlank()) {
            if (!ApiKeyFormat.looksLikeKey(configured) || configured.length() < 30) {
                throw new IllegalStateException("CARAVAN_ADMIN_KEY must look like cvn_live_<at least 21 characters>");
            }
            if (keys.findByHash(ApiKeyFormat.hash(configured)).isEmpty()) {
                ApiKey key = keyService.register(adminKeySettings(adminUser(), "configured admin key"), configured);
                audit.record("system", "admin_key.registered", key.id().toString(), "from CARAVAN_ADMIN_KEY", null);
                LOG.info("admin key from CARAVAN_ADMIN_KEY registered ({}...)", key.prefix());
            }
            return;
        }
        if (keys.anyAdminKey()) {
            return;
        }
        if (!database.embedded()) {
            LOG.warn("no admin key exists: set CARAVAN_ADMIN_KEY to administer the gateway");
            return;
        }
        KeyService.Issued issued = keyService.issue(adminKeySettings(adminUser(), "generated admin key"));
        audit.record("system", "admin_key.generated", issued.key().id().toString(), "first embedded start", null);
        // printed, not logged: shown this once, on the console of whoever started the gateway
        System.out.println("""

                ==========================================================================
                 Caravan generated an admin key. It is shown only this once; store it now:

                   %s

                 Set CARAVAN_ADMIN_KEY to choose your own instead.
                ==========================================================================
                """.formatted(issued.secret()));
    }

    private UserStore.User adminUser() {
        return users.findByEmail(ADMIN_EMAIL).orElseGet(() -> users.create(ADMIN_EMAIL, "Administrator"));
    }

    private static ApiKey adminKeySettings(UserStore.User user, String name) {
        return new ApiKey(null, user.id(), name, null, false, true, List.of(), null, null, List.of(), List.of(), null,
                null, null, null, null, null);
    }
}
