package dev.caravan.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * An OS file lock that a gateway holds for as long as it runs its embedded server, on a file beside the data
 * directory ({@code data/postgres.lock} for {@code data/postgres}; not inside it, because initdb wants an empty
 * directory). The operating system releases the lock when the process ends, however it ends (kill -9
 * included), so "the lock is free" means exactly "no live gateway uses this directory": no pid to check, no
 * stale lock to clear. The file's text ({@link OwnerRecord}) only explains who holds or held it.
 */
final class DataDirLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;
    private final OwnerRecord previous;

    private DataDirLock(FileChannel channel, FileLock lock, OwnerRecord previous) {
        this.channel = channel;
        this.lock = lock;
        this.previous = previous;
    }

    /** Takes the lock, or returns empty when a live process (this one included) already holds it. */
    static Optional<DataDirLock> tryAcquire(Path lockFile) {
        FileChannel channel = null;
        try {
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM: a second gateway context on the same directory
            }
            if (lock == null) {
                channel.close();
                return Optional.empty();
            }
            return Optional.of(new DataDirLock(channel, lock, OwnerRecord.parse(readAll(channel))));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("could not open the lock file " + lockFile, e);
        }
    }

    /** What the holder of a lock we could not take wrote into it; {@link OwnerRecord#NONE} when unreadable. */
    static OwnerRecord readHolder(Path lockFile) {
        try {
            return OwnerRecord.parse(Files.readString(lockFile, StandardCharsets.UTF_8));
        } catch (IOException | UncheckedIOException e) {
            return OwnerRecord.NONE; // Windows does not let others read a locked file
        }
    }

    /** What the previous holder wrote: read before this holder overwrites it. */
    OwnerRecord previous() {
        return previous;
    }

    void write(OwnerRecord record) {
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(record.format().getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the lock file", e);
        }
    }

    /** Releases the lock; the file stays (deleting it would race with a gateway that just opened it). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases it as well
        }
        closeQuietly(channel);
    }

    private static String readAll(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 64 * 1024));
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
