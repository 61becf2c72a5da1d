#!/usr/bin/env bash
# Builds Caravan's JDK 25 AOT cache: the packaged jar is extracted (the cache needs plain jars on the class path,
# not Spring Boot's nested ones), then started once for training on a throwaway embedded PostgreSQL and Redis, where its
# warm-up drives the request path for a while; the JVM writes what it loaded, linked and profiled to the cache
# when the training run stops. Started with that cache, the gateway is ready in about half the time and its
# first calls are fast (README, Performance: fast from the first call).
#
#   deploy/aot-cache.sh [jar] [out-dir]      # default: target/caravan-*.jar into target/aot
#   java -XX:AOTCache=target/aot/caravan.aot -jar target/aot/caravan.jar
#
# JAVA_OPTS are used for the training run too: start the gateway with the same heap and GC options as the cache
# was built with, or the JVM may refuse parts of it (it says so at start, with -Xlog:aot).
#
# Run it from the gateway's working directory (application.yaml, routes/, config/). Needs JDK 25+ (JAVA or the
# java on PATH); the cache only works with the JDK and the jar that built it, so build it where you package.
set -euo pipefail

JAVA=${JAVA:-java}
JAR=${1:-$(ls target/caravan-*.jar 2>/dev/null | grep -v -- '-plain' | head -n1)}
OUT=${2:-target/aot}
PORT=${TRAIN_PORT:-18099}
TRAIN_CALLS=${TRAIN_CALLS:-30000}      # the training run's warm-up: long enough for its profiles to settle
TRAIN_TIME=${TRAIN_TIME:-20s}

die() { echo "aot-cache: $*" >&2; exit 1; }
[[ -f $JAR ]] || die "no jar (build it with ./mvnw -DskipTests package, or pass its path)"
version=$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -nE 's/^ *java.specification.version = ([0-9]+).*/\1/p')
(( ${version:-0} >= 25 )) || die "$JAVA is JDK ${version:-?}; the AOT cache needs JDK 25+ (set JAVA)"

rm -rf "$OUT"
"$JAVA" -Djarmode=tools -jar "$JAR" extract --destination "$OUT" >/dev/null
# extract names the application jar as its source; the cache records the class path, so it is always caravan.jar
# (the Dockerfile's jar already has that name, where mv would fail on moving a file onto itself)
[[ $(basename "$JAR") == caravan.jar ]] || mv "$OUT/$(basename "$JAR")" "$OUT/caravan.jar"

DATA=$(mktemp -d)
LOG=$OUT/training.log
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT
echo "aot-cache: training run ($TRAIN_CALLS warm-up calls at most, $TRAIN_TIME), log in $LOG" >&2
# shellcheck disable=SC2086 # JAVA_OPTS is a list of options
"$JAVA" ${JAVA_OPTS:-} -XX:AOTCacheOutput="$OUT/caravan.aot" -jar "$OUT/caravan.jar" \
    --server.port="$PORT" --caravan.database.url= --caravan.database.embedded-data-dir="$DATA/postgres" \
    --caravan.redis.url= --caravan.redis.embedded-data-dir="$DATA/redis" \
    --caravan.auth.admin-key= --camel.main.routes-reload-enabled=false \
    --caravan.warm-up.calls="$TRAIN_CALLS" --caravan.warm-up.max-time="$TRAIN_TIME" >"$LOG" 2>&1 &
PID=$!
# the warm-up's last line comes just before readiness: the training is done
for i in $(seq 900); do
    grep -q 'warmed up with\|warm-up skipped' "$LOG" && break
    kill -0 "$PID" 2>/dev/null || die "the training run exited: $(tail -n 20 "$LOG")"
    (( i < 900 )) || die "the training run did not warm up in 180 s: $(tail -n 20 "$LOG")"
    sleep 0.2
done
grep -q 'warmed up with' "$LOG" || die "the training run did not warm up: $(tail -n 20 "$LOG")"
kill -TERM "$PID"
wait "$PID" || true
[[ -s $OUT/caravan.aot ]] || die "no cache was written: $(tail -n 20 "$LOG")"
echo "aot-cache: $OUT/caravan.aot ($(du -h "$OUT/caravan.aot" | cut -f1)); run: $JAVA ${JAVA_OPTS:+$JAVA_OPTS }-XX:AOTCache=$OUT/caravan.aot -jar $OUT/caravan.jar" >&2
