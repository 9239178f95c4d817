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

# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" $JVM_FLAGS ${ROTA_JAVA_OPTS:-} -jar "$JAR" "$@"
