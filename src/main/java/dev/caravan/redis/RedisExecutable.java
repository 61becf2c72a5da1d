package dev.caravan.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import redis.embedded.core.ExecutableProvider;
import redis.embedded.model.OS;
import redis.embedded.model.OsArchitecture;

/**
 * The redis-server binary that embedded-redis ships for this machine, copied once into the embedded data
 * directory as {@code bin/<version>/redis-server}. embedded-redis would extract it to a new temporary folder on
 * every start, under its resource name ({@code redis-server-6.2.6-v5-linux-amd64}), deleted on exit: a server
 * left running by a killed gateway would then run a deleted file, and a name that changes with each release is
 * what the guard would have to recognise. Here the process is always named {@code redis-server}, and a version's
 * file, once written, is never replaced, so a running server's binary never changes under it.
 */
final class RedisExecutable {

    /** The file name of the server's process, for {@code EmbeddedProcessGuard} (".exe" is added on Windows). */
    static final String NAME = "redis-server";

    private RedisExecutable() {
    }

    /** The binary under {@code dataDir/bin}, written there first if this version is not there yet. */
    static Path installedIn(Path dataDir) throws IOException {
        OsArchitecture platform = OsArchitecture.detectOSandArchitecture();
        String resource = ExecutableProvider.newProvidedVersionsMap().get(platform);
        if (resource == null) {
            throw new IOException("embedded-redis has no redis-server for " + platform.os + " " + platform.arch
                    + "; set REDIS_URL to a Redis server");
        }
        String version = resource.replaceFirst("^/redis-server-", "").replaceFirst("\\.exe$", "");
        Path binary = dataDir.resolve("bin").resolve(version).resolve(platform.os == OS.WINDOWS ? NAME + ".exe" : NAME);
        if (Files.isExecutable(binary)) {
            return binary;
        }
        Files.createDirectories(binary.getParent());
        // written beside it and moved into place, so a gateway killed mid-copy never leaves a truncated binary
        Path partial = Files.createTempFile(binary.getParent(), NAME, ".partial");
        try (InputStream in = ExecutableProvider.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("the embedded-redis jar has no " + resource);
            }
            Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
            if (!partial.toFile().setExecutable(true, true)) {
                throw new IOException("could not make " + partial + " executable");
            }
            try {
                Files.move(partial, binary, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(partial, binary, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
        return binary;
    }
}
