package dev.caravan.embedded;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Stops a server when its gateway's JVM dies, for whatever reason: a tiny child process,
 * {@code sh -c 'trap "" INT HUP; read line; kill -INT <server pid>'}, whose standard input is a pipe from the
 * JVM. Nothing is ever written to it, so {@code read} waits until the JVM's end of the pipe closes, which the
 * kernel does when the JVM exits, kill -9 and OOM kill included; then the server gets SIGINT (PostgreSQL's
 * fast shutdown). No polling, nothing to configure.
 * <p>
 * Why it outlives the JVM: a child started by {@link ProcessBuilder} is not killed with its parent on Linux or
 * macOS (the kernel just hands it to init), and the JVM closes every other descriptor in its children, so no
 * other process keeps the pipe open. It ignores SIGINT and SIGHUP because Ctrl-C and a closed terminal reach
 * the whole process group: the JVM then shuts down through Spring, which stops the server in its own order, and
 * the watchdog must stay until the JVM is really gone in case that shutdown is cut short.
 * <p>
 * {@link #close()} disarms it with SIGKILL, which cannot run the {@code kill}: call it after the server has
 * been stopped, so the watchdog covers the server for its whole life, stop included.
 */
final class ServerWatchdog implements AutoCloseable {

    private final Process process;

    private ServerWatchdog(Process process) {
        this.process = process;
    }

    static ServerWatchdog arm(long serverPid) throws IOException {
        Process process = new ProcessBuilder("sh", "-c", "trap '' INT HUP; read line; kill -INT " + serverPid)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        // the pipe to its standard input stays open as long as this object (held by the running guard) does
        return new ServerWatchdog(process);
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) {
            return; // never close the pipe of a live watchdog: it would signal a pid that may be reused by now
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // it is gone either way
        }
    }
}
