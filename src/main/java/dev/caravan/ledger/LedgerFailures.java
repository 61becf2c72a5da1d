package dev.caravan.ledger;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;

import org.postgresql.util.PSQLException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;

/**
 * Tells a failed ledger write that a retry can cure (the database away, a deadlock, a serialization failure)
 * from one that it cannot (a value the database refuses). Only the first kind is retried as a whole batch:
 * retrying the second kind stalled every caller's billing behind one bad row.
 */
public final class LedgerFailures {

    /** SQLSTATE classes that pass by themselves: connection, transaction rollback, resources, operator, system. */
    private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");
    /** lock_not_available */
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private LedgerFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        if (failure instanceof TransientDataAccessException) {
            return true;
        }
        SQLException sql = sqlCause(failure);
        if (sql == null) {
            // no answer from the database at all (no connection from the pool, I/O) passes; a bug in Caravan
            // does not, and is isolated like a bad row so that it cannot stall the batches behind it
            return failure instanceof DataAccessResourceFailureException || hasCause(failure, IOException.class);
        }
        String state = sql.getSQLState();
        return state == null || state.length() < 2 || TRANSIENT_CLASSES.contains(state.substring(0, 2))
                || LOCK_NOT_AVAILABLE.equals(state);
    }

    public static boolean isPermanent(Throwable failure) {
        return !isTransient(failure);
    }

    /**
     * What the database said, short enough for a log line and a dead letter: the SQLSTATE and the primary
     * message, never the statement or the failing row's values (Spring's message carries the whole SQL).
     */
    public static String describe(Throwable failure) {
        SQLException sql = sqlCause(failure);
        if (sql == null) {
            return failure.getClass().getSimpleName();
        }
        String message = sql instanceof PSQLException psql && psql.getServerErrorMessage() != null
                ? psql.getServerErrorMessage().getMessage() : sql.getMessage();
        return "SQLSTATE " + sql.getSQLState() + ": " + message;
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static SQLException sqlCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                SQLException next = sql.getNextException();
                return next != null && next.getSQLState() != null ? next : sql;
            }
        }
        return null;
    }
}
