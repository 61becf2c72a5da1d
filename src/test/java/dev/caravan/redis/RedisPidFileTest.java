package dev.caravan.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class RedisPidFileTest {

    @TempDir
    Path dir;

    @Test
    void readsThePidAndTakesTheStartFromTheFilesTime() throws IOException {
        Path file = Files.writeString(dir.resolve(RedisPidFile.NAME), "4242\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.ofEpochSecond(1_800_000_000L)));

        assertThat(RedisPidFile.read(file)).get().satisfies(server -> {
            assertThat(server.pid()).isEqualTo(4242);
            assertThat(server.startedAt()).isEqualTo(1_800_000_000L);
            assertThat(server.dataDir()).isNull();
        });
    }

    @Test
    void aMissingEmptyOrGarbledFileNamesNoServer() throws IOException {
        assertThat(RedisPidFile.read(dir.resolve("none.pid"))).isEmpty();
        assertThat(RedisPidFile.read(Files.writeString(dir.resolve("empty.pid"), ""))).isEmpty();
        assertThat(RedisPidFile.read(Files.writeString(dir.resolve("cut.pid"), "42x"))).isEmpty();
        assertThat(RedisPidFile.read(Files.writeString(dir.resolve("zero.pid"), "0\n"))).isEmpty();
    }
}
