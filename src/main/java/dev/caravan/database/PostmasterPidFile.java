package dev.caravan.database;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.caravan.embedded.LeftoverServer;

/**
 * Reads {@code postmaster.pid}, the file PostgreSQL keeps in its data directory while it runs (and which stays
 * there when it is killed). Its first lines are the postmaster's pid, the absolute data directory, its start
 * time in epoch seconds and its port.
 */
public final class PostmasterPidFile {

    public static final String NAME = "postmaster.pid";

    private PostmasterPidFile() {
    }

    public static Optional<LeftoverServer> read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // unreadable: PostgreSQL's own start will say what is wrong with it
        }
    }

    /** Empty when the first line is no pid (an empty file left by a crash while it was being written). */
    static Optional<LeftoverServer> parse(List<String> lines) {
        Long pid = lines.isEmpty() ? null : number(lines.get(0));
        if (pid == null || pid <= 0) {
            return Optional.empty();
        }
        Path dataDir = lines.size() > 1 ? path(lines.get(1)) : null;
        Long startedAt = lines.size() > 2 ? number(lines.get(2)) : null;
        Long port = lines.size() > 3 ? number(lines.get(3)) : null;
        return Optional.of(new LeftoverServer(pid, dataDir, startedAt == null ? 0 : startedAt,
                port == null ? 0 : port.intValue()));
    }

    private static Long number(String line) {
        try {
            return Long.parseLong(line.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Path path(String line) {
        try {
            return line.isBlank() ? null : Path.of(line.trim());
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
