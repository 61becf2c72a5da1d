# Build: the tests run in CI (.ci/run); the image build only packages.
FROM eclipse-temurin:21-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
RUN ./mvnw -B -ntp -q -DskipTests package

# Run: JDK 21+ so that every request gets a virtual thread.
FROM eclipse-temurin:21-jre
RUN useradd --system --uid 10001 caravan
WORKDIR /app
COPY --from=build /src/target/caravan-*.jar /app/caravan.jar
COPY application.yaml /app/application.yaml
COPY routes /app/routes
COPY config /app/config
USER caravan
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/caravan.jar"]
