package dev.caravan.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The image the Dockerfile builds (there is no Docker engine here to build it): the JDK only in a build stage, a
 * JRE at run time, new enough for virtual threads, and a non-root user that deploy/k8s runs as.
 */
class DockerfileTest {

    private static final Path DOCKERFILE = Path.of("Dockerfile");
    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)");

    @Test
    void buildsWithTheJdkAndRunsOnAJre() throws IOException {
        List<String> stages = FROM.matcher(Files.readString(DOCKERFILE)).results().map(match -> match.group(1)).toList();
        assertThat(stages).hasSizeGreaterThanOrEqualTo(2);
        assertThat(stages.get(0)).contains("-jdk");
        assertThat(stages.get(stages.size() - 1)).contains("-jre");
    }

    @Test
    void runsOnAJdkWithVirtualThreadsAndTurnsThemOn() throws IOException {
        List<String> stages = FROM.matcher(Files.readString(DOCKERFILE)).results().map(match -> match.group(1)).toList();
        Matcher version = Pattern.compile(":(\\d+)").matcher(stages.get(stages.size() - 1));
        assertThat(version.find()).isTrue();
        // spring.threads.virtual.enabled takes effect on JDK 21+ (HttpServerConfiguration.requestExecutor)
        assertThat(Integer.parseInt(version.group(1))).isGreaterThanOrEqualTo(21);
        assertThat(ApplicationYaml.value("spring.threads.virtual.enabled")).isEqualTo("true");
    }

    @Test
    void theRuntimeStageHoldsNoCopyOfTheBuildStagesFiles() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        String runtime = dockerfile.substring(dockerfile.lastIndexOf("\nFROM "));
        // a COPY --from stays a layer of the image even when a later command deletes the file: the jar is mounted
        assertThat(runtime).doesNotContain("COPY --from");
        assertThat(runtime).contains("--mount=type=bind,from=build");
    }

    @Test
    void theAotTrainingLogIsNotKeptInTheImage() throws IOException {
        // deploy/aot-cache.sh writes it next to the cache; its run prints the admin key it generates
        assertThat(Files.readString(Path.of("deploy/aot-cache.sh"))).contains("LOG=$OUT/training.log");
        assertThat(Files.readString(DOCKERFILE)).containsPattern("rm -rf [^\\n]*/app/aot/training\\.log");
    }

    @Test
    void runsAsANonRootUser() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        Matcher user = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile);
        assertThat(user.find()).isTrue();
        assertThat(user.group(1)).isNotIn("root", "0");
        assertThat(runtimeUid()).isPositive();
    }

    /** The uid of the user the image runs as (useradd --uid). */
    static long runtimeUid() throws IOException {
        Matcher uid = Pattern.compile("useradd\\b.*--uid\\s+(\\d+)").matcher(Files.readString(DOCKERFILE));
        assertThat(uid.find()).as("useradd --uid in the Dockerfile").isTrue();
        return Long.parseLong(uid.group(1));
    }
}
