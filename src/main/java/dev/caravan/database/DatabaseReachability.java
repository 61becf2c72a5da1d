package dev.caravan.database;

import java.sql.Connection;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import jakarta.annotation.PreDestroy;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Whether PostgreSQL answers, for the readiness probe: a replica that cannot reach it cannot authenticate a key it
 * has not cached, settle a call or write the ledger, so it leaves its load balancer until the database is back.
 *
 * <p>A check borrows a pooled connection and asks it {@link Connection#isValid}. While the database is down the
 * pool waits its whole connection timeout for a new connection, so checks run on a thread of their own, at most one
 * at a time and at most once per {@link #RECHECK_NANOS}; a probe waits {@link #PROBE_WAIT_MILLIS} for the answer and
 * takes a check that has not answered by then as down.
 */
@Component
public class DatabaseReachability {

    static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long PROBE_WAIT_MILLIS = 2000;
    private static final int VALID_WITHIN_SECONDS = 2;

    private final DataSource dataSource;
    private final ExecutorService checker = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "caravan-db-check");
        thread.setDaemon(true);
        return thread;
    });
    private Future<Boolean> latest;
    private long latestStartedNanos;

    @Autowired
    public DatabaseReachability(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** True when a check at most about a second old found the database answering. Blocks up to two seconds. */
    public boolean reachable() {
        Future<Boolean> check = currentCheck();
        try {
            return check.get(PROBE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException stillWaiting) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception failed) {
            return false;
        }
    }

    private synchronized Future<Boolean> currentCheck() {
        long now = System.nanoTime();
        if (latest == null || latest.isDone() && now - latestStartedNanos >= RECHECK_NANOS) {
            latestStartedNanos = now;
            latest = checker.submit(this::check);
        }
        return latest;
    }

    @PreDestroy
    void stop() {
        checker.shutdownNow();
    }

    private boolean check() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(VALID_WITHIN_SECONDS);
        } catch (Exception unreachable) {
            return false;
        }
    }
}
