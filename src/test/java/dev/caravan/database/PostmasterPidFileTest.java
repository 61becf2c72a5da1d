package dev.caravan.database;

import java.nio.file.Path;
import java.util.List;

import dev.caravan.embedded.LeftoverServer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading what PostgreSQL 14 writes into postmaster.pid, and what a crash can leave of it. */
class PostmasterPidFileTest {

    @Test
    void readsPidDataDirectoryStartTimeAndPort() {
        List<String> lines = List.of("11199", "/tmp/caravan/postgres", "1796093374", "46133", "/tmp", "localhost",
                "  46133001     32789", "ready   ");

        assertThat(PostmasterPidFile.parse(lines))
                .contains(new LeftoverServer(11199, Path.of("/tmp/caravan/postgres"), 1796093374L, 46133));
    }

    @Test
    void aFileCutShortStillGivesThePid() {
        assertThat(PostmasterPidFile.parse(List.of("4711"))).contains(new LeftoverServer(4711, null, 0, 0));
        assertThat(PostmasterPidFile.parse(List.of("4711", "/data", "not a time")))
                .contains(new LeftoverServer(4711, Path.of("/data"), 0, 0));
    }

    @Test
    void anEmptyFileOrOneWithoutAPidNamesNoServer() {
        assertThat(PostmasterPidFile.parse(List.of())).isEmpty();
        assertThat(PostmasterPidFile.parse(List.of(""))).isEmpty();
        assertThat(PostmasterPidFile.parse(List.of("garbage", "/data"))).isEmpty();
        assertThat(PostmasterPidFile.parse(List.of("-1", "/data"))).isEmpty();
    }

    @Test
    void noFileNamesNoServer() {
        assertThat(PostmasterPidFile.read(Path.of("/nonexistent/caravan/postmaster.pid"))).isEmpty();
    }
}
