package dev.caravan.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * What to do about the server process named by the pid file in a data directory, once this gateway holds the
 * directory's lock (so no other live gateway uses it).
 */
public enum LeftoverVerdict {

    /** No pid file, or its process has ended: the server's own start copes with a stale file. */
    NOTHING,
    /**
     * The pid is alive but is another program (pids are reused, after a reboot above all) or a server on another
     * directory (the data was copied): the file is stale, yet the server would refuse to start because of it.
     */
    STALE_PID_FILE,
    /** A server this directory's previous gateway started, left running when that gateway died: stop it. */
    ORPHAN,
    /** A live server on this directory that no gateway started (someone ran it by hand): not ours to stop. */
    FOREIGN;

    /** What a process is, as far as this machine tells. */
    public enum ProcessKind {
        GONE, SERVER, OTHER_PROGRAM, UNKNOWN
    }

    /**
     * @param leftover  what the pid file says, null when there is none
     * @param kind      what its pid is now
     * @param dataDir   this gateway's data directory, absolute and normalized (real path when it exists)
     * @param previous  what the previous gateway on the directory wrote into the lock file
     */
    public static LeftoverVerdict judge(LeftoverServer leftover, ProcessKind kind, Path dataDir, OwnerRecord previous) {
        if (leftover == null || kind == ProcessKind.GONE) {
            return NOTHING;
        }
        boolean sameDirectory = leftover.dataDir() == null || Objects.equals(leftover.dataDir(), dataDir);
        if (kind == ProcessKind.OTHER_PROGRAM || !sameDirectory) {
            return STALE_PID_FILE;
        }
        return previous.started(leftover) ? ORPHAN : FOREIGN;
    }
}
