package dev.caravan.hawtio;

/**
 * Whether a secret is a valid admin key of this gateway: the one credential that opens Hawtio and Jolokia.
 * The check may wait for the database (a key not cached yet).
 */
@FunctionalInterface
public interface AdminKeyCheck {

    boolean isAdminKey(String secret);
}
