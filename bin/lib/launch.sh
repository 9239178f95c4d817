# shellcheck shell=bash
# Shared by bin/rotad, bin/rota-agent, bin/rota and bin/rota-sim: find a JDK >= 21, find (or build) the app's
# jar, and exec it. Callers set APP (jar name), MODULE (Maven module) and JVM_FLAGS.
#
# In a source checkout the jar is <module>/target/<app>.jar and is (re)built with the Maven
# wrapper when missing or older than the sources (set ROTA_NO_BUILD=1 to never build). In an
# unpacked distribution it is lib/<app>.jar.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$ROOT/bin/lib/java-home.sh"

rota_jar_is_stale() {
  local jar=$1
  [ -f "$jar" ] || return 0
  [ "${ROTA_NO_BUILD:-0}" = 1 ] && return 1
  # The simulator's own sources count only for the simulator's jar.
  local extra=()
  [ "$MODULE" = scheduler-sim ] && extra=("$ROOT/scheduler-sim")
  # Any source, pom or proto newer than the jar means a rebuild.
  [ -n "$(find "$ROOT/pom.xml" "$ROOT/proto" "$ROOT/logging" "$ROOT/scheduler-core" "$ROOT/node-agent" "$ROOT/scheduler-daemon" \
      "$ROOT/client-cli" ${extra[@]+"${extra[@]}"} \( -name target -prune \) -o \( -type f \( -name '*.java' -o -name '*.proto' \
      -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$jar" -print -quit \) 2>/dev/null)" ]
}

if [ -f "$ROOT/lib/$APP.jar" ]; then
  JAR="$ROOT/lib/$APP.jar"
else
  JAR="$ROOT/$MODULE/target/$APP.jar"
  if rota_jar_is_stale "$JAR"; then
    if [ "${ROTA_NO_BUILD:-0}" = 1 ]; then
      echo "$APP: $JAR is missing and ROTA_NO_BUILD=1; build with ./mvnw -DskipTests package" >&2
      exit 1
    fi
    echo "$APP: building $MODULE (first run or sources changed; takes a minute)..." >&2
    (
      cd "$ROOT"
      # One build at a time, even when several launchers start together.
      if command -v flock >/dev/null 2>&1; then exec 9>"$ROOT/.build.lock"; flock 9; fi
      if rota_jar_is_stale "$JAR"; then
        ./mvnw -B -q -DskipTests -pl "$MODULE" -am install >&2
      fi
    ) || { echo "$APP: build failed; see the output above" >&2; exit 1; }
  fi
fi

# With CDS_ARCHIVE=1 (bin/rota) the JVM keeps an ahead-of-time cache of the app's classes, loaded
# and linked (JDK 25's AOT cache, JEP 483/514; a CDS archive on older JDKs), beside the jar, or in
# the user's cache when that directory is not writable. The first run after the jar changes writes
# it in the background; later runs map the classes instead of loading,
# verifying and linking them (docs/BENCHMARKS.md, "CLI start-up"). ROTA_CDS=0 turns it off.
if [ "${CDS_ARCHIVE:-0}" = 1 ] && [ "${ROTA_CDS:-1}" != 0 ]; then
  STAMP=$(stat -c '%s-%Y' "$JAR" 2>/dev/null || echo 0)
  if [ -w "$(dirname "$JAR")" ]; then
    CACHE_BASE="${JAR%.jar}-$STAMP"
  else
    CACHE_DIR="${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/rota"
    mkdir -p "$CACHE_DIR" 2>/dev/null && CACHE_BASE="$CACHE_DIR/$APP-$STAMP" || CACHE_BASE=""
  fi
  if [ -n "$CACHE_BASE" ]; then
    # The JDK's major version from its release file (no extra JVM start): 25 and later have AOTCacheOutput.
    JDK_MAJOR=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null)
    if [ "${JDK_MAJOR:-0}" -ge 25 ]; then
      if [ -f "$CACHE_BASE.aot" ]; then
        JVM_FLAGS="$JVM_FLAGS -XX:AOTCache=$CACHE_BASE.aot -Xlog:aot=off,cds=off"
      elif find "$CACHE_BASE.training" -maxdepth 0 -mmin +10 -exec rmdir {} \; 2>/dev/null; \
           mkdir "$CACHE_BASE.training" 2>/dev/null; then
        # Train in the background, silently, on a run that loads the client's classes (a query of an
        # address nobody listens on), so this run's output stays clean; the cache appears atomically.
        # setsid: the training outlives this terminal's process group. A lock older than 10 min is stale.
        SETSID=$(command -v setsid || true)
        AOT_OUT="$CACHE_BASE.aot" AOT_LOCK="$CACHE_BASE.training" $SETSID bash -c \
          '"$@"; [ -f "$AOT_OUT.tmp" ] && mv -f "$AOT_OUT.tmp" "$AOT_OUT"; rmdir "$AOT_LOCK"' _ \
          "$JAVA_HOME/bin/java" $JVM_FLAGS -XX:AOTCacheOutput="$CACHE_BASE.aot.tmp" -jar "$JAR" \
          --address 127.0.0.1:1 queue </dev/null >/dev/null 2>&1 &
      fi
    else
      JVM_FLAGS="$JVM_FLAGS -XX:SharedArchiveFile=$CACHE_BASE.jsa -XX:+AutoCreateSharedArchive -Xlog:cds=off"
    fi
  fi
fi

# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $JVM_FLAGS ${ROTA_JAVA_OPTS:-} -jar "$JAR" "$@"
