package dev.caravan.account;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.caravan.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The audit trail: every admin action and every failed authentication, with who, what, on what and from
 * where. Never a secret: keys appear only as their visible prefix. Failed authentications are written in the
 * background so that a flood of bad keys cannot tie up request threads; if the queue is full they are
 * counted and dropped (logged).
 */
@Component
public class AuditLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private static final int MAX_TEXT = 256;
    private static final int MAX_DETAIL = 4096;

    private final JdbcTemplate jdbc;
    private final ThreadPoolExecutor background = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(10_000), r -> {
                Thread thread = new Thread(r, "caravan-audit");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.DiscardPolicy());
    private final AtomicLong dropped = new AtomicLong();

    public AuditLog(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Records an admin action now, on the caller's thread. */
    public void record(String actor, String action, String target, String detail, String ip) {
        // names and reasons in a detail come from admins and callers: stored safely, never refused
        jdbc.update("insert into audit_log (actor, action, target, detail, ip) values (?, ?, ?, ?, ?)",
                SafeText.forStorage(actor, MAX_TEXT), action, SafeText.forStorage(target, MAX_TEXT),
                SafeText.forStorage(detail, MAX_DETAIL), SafeText.forStorage(ip, MAX_TEXT));
    }

    /** Records a failed authentication in the background. */
    public void authenticationFailed(String keyPrefix, String reason, String ip) {
        if (background.getQueue().remainingCapacity() == 0) {
            LOG.warn("audit queue full: {} failed authentications not recorded", dropped.incrementAndGet());
            return;
        }
        background.execute(() -> {
            try {
                record(keyPrefix, "auth.failed", null, reason, ip);
            } catch (RuntimeException e) {
                LOG.warn("could not record a failed authentication: {}", e.getMessage());
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        background.shutdown();
        background.awaitTermination(10, TimeUnit.SECONDS);
    }
}
