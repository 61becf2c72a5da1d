package dev.caravan.admin.http;

/** Who may call an endpoint: any valid key or token acting for its own user, or only an admin key. */
public enum Access {
    USER,
    ADMIN
}
