package dev.caravan.embedded;

/**
 * The gateway cannot use its embedded server's data directory: something alive holds it. Carries a one-line
 * description and what the user can do, shown by {@link DataDirInUseFailureAnalyzer} instead of a stack trace.
 */
public class DataDirInUseException extends RuntimeException {

    private final String action;

    public DataDirInUseException(String description, String action) {
        super(description);
        this.action = action;
    }

    public String action() {
        return action;
    }
}
