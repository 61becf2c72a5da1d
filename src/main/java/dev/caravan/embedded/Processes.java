package dev.caravan.embedded;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.caravan.embedded.LeftoverVerdict.ProcessKind;

/** The few things the guard asks of the operating system about other processes. */
final class Processes {

    private Processes() {
    }

    /** Signals and {@code sh} exist (Linux, macOS); elsewhere the guard only refuses, it cannot stop or watch. */
    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Whether {@code pid} is alive, and whether it runs the executable named {@code executable}. */
    static ProcessKind kind(long pid, String executable) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return ProcessKind.GONE;
        }
        Optional<String> command = handle.get().info().command();
        if (command.isEmpty()) {
            return ProcessKind.UNKNOWN;
        }
        Path name = Path.of(command.get()).getFileName();
        String file = name == null ? "" : name.toString();
        return file.equals(executable) || file.equals(executable + ".exe") ? ProcessKind.SERVER : ProcessKind.OTHER_PROGRAM;
    }

    /**
     * Sends SIGINT: PostgreSQL's fast shutdown (clients are disconnected, a checkpoint is written, the pid file
     * removed) and a clean exit for Redis. Java can only send SIGTERM/SIGKILL, so {@code kill} does it.
     */
    static void interrupt(long pid) throws IOException {
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(pid))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            kill.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while signalling pid " + pid, e);
        }
    }

    /** Waits until {@code pid} has exited; false when it still runs after {@code timeout}. */
    static boolean awaitExit(long pid, Duration timeout) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            return true;
        }
        try {
            handle.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return !handle.get().isAlive();
        } catch (ExecutionException e) {
            return !handle.get().isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !handle.get().isAlive();
        }
    }
}
