package dev.caravan.embedded;

import java.nio.file.Path;

import dev.caravan.embedded.LeftoverVerdict.ProcessKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which server left in a data directory the next gateway stops, clears or refuses to touch. */
class LeftoverVerdictTest {

    private static final Path DIR = Path.of("/srv/caravan/data/postgres");
    private static final LeftoverServer LEFT = new LeftoverServer(4711, DIR, 1_000_100, 5432);

    @Test
    void noPidFileOrADeadPidLeavesNothingToDo() {
        assertThat(LeftoverVerdict.judge(null, ProcessKind.GONE, DIR, OwnerRecord.NONE)).isEqualTo(LeftoverVerdict.NOTHING);
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.GONE, DIR, new OwnerRecord(1L, 1L, 4711L)))
                .isEqualTo(LeftoverVerdict.NOTHING);
    }

    @Test
    void theServerThePreviousGatewayRecordedIsAnOrphan() {
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.SERVER, DIR, new OwnerRecord(99L, 1_000_000L, 4711L)))
                .isEqualTo(LeftoverVerdict.ORPHAN);
        // the process name could not be read: the recorded pid on this directory is still enough
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.UNKNOWN, DIR, new OwnerRecord(99L, 1_000_000L, 4711L)))
                .isEqualTo(LeftoverVerdict.ORPHAN);
    }

    @Test
    void aServerStartedAfterAGatewayDiedWhileStartingItIsAnOrphan() {
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.SERVER, DIR, new OwnerRecord(99L, 1_000_100L, null)))
                .isEqualTo(LeftoverVerdict.ORPHAN);
    }

    @Test
    void aServerNoGatewayStartedIsForeign() {
        // none recorded at all (started by hand, or left by a gateway older than the lock file)
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.SERVER, DIR, OwnerRecord.NONE)).isEqualTo(LeftoverVerdict.FOREIGN);
        // the previous gateway recorded another server
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.SERVER, DIR, new OwnerRecord(99L, 1_000_000L, 815L)))
                .isEqualTo(LeftoverVerdict.FOREIGN);
        // it was running before the previous gateway began starting its own
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.SERVER, DIR, new OwnerRecord(99L, 1_000_200L, null)))
                .isEqualTo(LeftoverVerdict.FOREIGN);
    }

    @Test
    void aPidReusedByAnotherProgramOrAServerOnAnotherDirectoryMeansAStalePidFile() {
        OwnerRecord ours = new OwnerRecord(99L, 1_000_000L, 4711L);
        assertThat(LeftoverVerdict.judge(LEFT, ProcessKind.OTHER_PROGRAM, DIR, ours)).isEqualTo(LeftoverVerdict.STALE_PID_FILE);
        LeftoverServer copied = new LeftoverServer(4711, Path.of("/srv/other/postgres"), 1_000_100, 5432);
        assertThat(LeftoverVerdict.judge(copied, ProcessKind.SERVER, DIR, ours)).isEqualTo(LeftoverVerdict.STALE_PID_FILE);
    }
}
