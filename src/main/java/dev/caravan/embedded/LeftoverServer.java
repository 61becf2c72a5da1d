package dev.caravan.embedded;

import java.nio.file.Path;

/**
 * What a server's pid file in its data directory says about the process that wrote it, which may have
 * ended long ago (the file stays behind after a crash).
 *
 * @param pid       the server's process id
 * @param dataDir   the data directory the server wrote into the file (absolute), null when the file has none
 * @param startedAt when the server started, in epoch seconds; 0 when unknown
 * @param port      the port it listens on; 0 when unknown
 */
public record LeftoverServer(long pid, Path dataDir, long startedAt, int port) {
}
