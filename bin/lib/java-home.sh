# shellcheck shell=sh
# Sourced by mvnw and the bin/ launchers. Exports JAVA_HOME pointing at a JDK >= 21:
# keeps the caller's JAVA_HOME (or the java on PATH) when it is new enough, otherwise takes the
# newest JDK >= 21 under /usr/lib/jvm. Prints a clear error and returns 1 when none exists.
rota_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}
rota_pick_java_home() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    v=$(rota_java_major "$JAVA_HOME/bin/java"); [ "${v:-0}" -ge 21 ] 2>/dev/null && return 0
  fi
  if command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; then
    j=$(readlink -f "$(command -v java)")
    v=$(rota_java_major "$j")
    if [ "${v:-0}" -ge 21 ] 2>/dev/null; then JAVA_HOME=$(dirname "$(dirname "$j")"); export JAVA_HOME; return 0; fi
  fi
  best=""; best_v=0
  for d in $(find /usr/lib/jvm /opt/java -mindepth 1 -maxdepth 1 2>/dev/null | sort); do
    [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ] || continue
    [ -L "$d" ] && continue
    v=$(rota_java_major "$d/bin/java")
    if [ "${v:-0}" -ge 21 ] 2>/dev/null && [ "$v" -gt "$best_v" ]; then best=$d; best_v=$v; fi
  done
  if [ -z "$best" ]; then
    echo "rota: needs a JDK 21 or newer; none found (JAVA_HOME, PATH, /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk' or Temurin 21+." >&2
    return 1
  fi
  JAVA_HOME=$best; export JAVA_HOME
}
rota_pick_java_home
