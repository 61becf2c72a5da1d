package dev.caravan.redis;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import dev.caravan.embedded.LeftoverServer;

/**
 * Reads the pid file the embedded redis-server writes ({@code pidfile} setting) when it starts and removes when
 * it stops cleanly; a killed server leaves it behind. It holds the pid only: the data directory is the one the
 * file is in, and when the server started is the file's modification time (so the guard can tell a server that
 * the previous gateway was still starting from one somebody else ran).
 */
public final class RedisPidFile {

    public static final String NAME = "redis.pid";

    private RedisPidFile() {
    }

    public static Optional<LeftoverServer> read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            long pid = Long.parseLong(text);
            if (pid <= 0) {
                return Optional.empty();
            }
            long startedAt = Files.getLastModifiedTime(file).toInstant().getEpochSecond();
            return Optional.of(new LeftoverServer(pid, null, startedAt, 0));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty(); // none, unreadable, or cut short by a crash: nothing to stop
        }
    }
}
