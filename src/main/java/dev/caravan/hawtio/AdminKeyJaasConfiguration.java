package dev.caravan.hawtio;

import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;

/**
 * The JAAS configuration Hawtio logs in with: its realm has one module, {@link AdminKeyLoginModule}. Handed to
 * Hawtio directly (not installed JVM-wide), so nothing else in the process authenticates against it.
 */
class AdminKeyJaasConfiguration extends Configuration {

    static final String REALM = "caravan";

    private final AdminKeyCheck check;

    AdminKeyJaasConfiguration(AdminKeyCheck check) {
        this.check = check;
    }

    @Override
    public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        if (!REALM.equals(name)) {
            return null;
        }
        return new AppConfigurationEntry[] {new AppConfigurationEntry(AdminKeyLoginModule.class.getName(),
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, Map.of(AdminKeyLoginModule.CHECK_OPTION, check))};
    }
}
