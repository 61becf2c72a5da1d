# Build: the tests run in CI (.ci/run); the image build only packages.
FROM eclipse-temurin:25-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q -DskipTests package && cp target/caravan-*.jar /src/caravan.jar

# Run: JDK 25, so that every request gets a virtual thread and the gateway starts from an AOT cache.
FROM eclipse-temurin:25-jre
RUN useradd --system --uid 10001 caravan
WORKDIR /app
COPY application.yaml /app/application.yaml
COPY routes /app/routes
COPY config /app/config
COPY deploy/aot-cache.sh /app/deploy/aot-cache.sh
# The AOT cache is trained where it is used (it records the class path) and with the ENTRYPOINT's GC: a training run
# on a throwaway embedded PostgreSQL (README, Performance: fast from the first call).
# The packaged jar is mounted from the build stage for this one command, not copied: a COPY would stay in the
# image as a layer of its own (about 150 MB) even after an rm. What the training run leaves in /tmp (the embedded
# PostgreSQL's binaries, about 60 MB) is removed in the same command, for the same reason, and so is the training
# log: it holds the admin key generated for the throwaway database, and no key belongs in an image. Needs
# BuildKit, the builder of docker build since Docker 23 and of docker compose.
RUN --mount=type=bind,from=build,source=/src/caravan.jar,target=/mnt/build/caravan.jar \
    JAVA_OPTS="-XX:+UseSerialGC" /app/deploy/aot-cache.sh /mnt/build/caravan.jar /app/aot \
    && rm -rf /tmp/* /tmp/.[!.]* /app/aot/training.log
USER caravan
EXPOSE 8080
# SerialGC: a gateway's garbage is short-lived and its heap small; on 2 cores it costs the least CPU per call
# (bench/). Give the pod 2 cores or fewer per replica, or use -XX:+UseParallelGC on larger ones.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-XX:AOTCache=/app/aot/caravan.aot", "-jar", "/app/aot/caravan.jar"]
