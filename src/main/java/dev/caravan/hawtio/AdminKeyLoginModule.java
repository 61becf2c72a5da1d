package dev.caravan.hawtio;

import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.Map;

import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

import com.sun.security.auth.UserPrincipal;
import io.hawt.web.auth.RolePrincipal;

/**
 * The JAAS login behind Hawtio's login page and Jolokia's HTTP Basic authentication: any user name, and an admin
 * key of this gateway as the password. Hawtio asks JAAS for every login, so this module is how the admin key
 * becomes Hawtio's credential; the key itself is checked by {@link AdminKeyCheck} and never kept.
 */
public class AdminKeyLoginModule implements LoginModule {

    /** The JAAS option that carries the {@link AdminKeyCheck} (JAAS creates modules by class name). */
    static final String CHECK_OPTION = AdminKeyCheck.class.getName();
    /** The role every admin-key login gets; Hawtio requires it ({@code hawtio.roles}). */
    static final String ROLE = "admin";

    private Subject subject;
    private CallbackHandler callbacks;
    private AdminKeyCheck check;
    private String user;
    private List<Principal> added = List.of();

    @Override
    public void initialize(Subject subject, CallbackHandler callbackHandler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.callbacks = callbackHandler;
        this.check = (AdminKeyCheck) options.get(CHECK_OPTION);
    }

    @Override
    public boolean login() throws LoginException {
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("admin key", false);
        try {
            callbacks.handle(new Callback[] {name, password});
        } catch (IOException | UnsupportedCallbackException e) {
            throw new LoginException("no user name and password: " + e.getMessage());
        }
        char[] secret = password.getPassword();
        password.clearPassword();
        if (secret == null || check == null || !check.isAdminKey(new String(secret))) {
            // no detail: which part was wrong is the audit log's business (dev.caravan.account.AuditLog)
            throw new FailedLoginException("not an admin key");
        }
        user = name.getName() == null || name.getName().isBlank() ? "admin" : name.getName();
        return true;
    }

    @Override
    public boolean commit() {
        if (user == null) {
            return false;
        }
        added = List.of(new UserPrincipal(user), new RolePrincipal(ROLE));
        subject.getPrincipals().addAll(added);
        return true;
    }

    @Override
    public boolean abort() {
        return logout();
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(added);
        added = List.of();
        user = null;
        return true;
    }
}
