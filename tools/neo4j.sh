#!/usr/bin/env bash
# A real Neo4j 5.26 Community for tests and development, without Docker.
#
#   tools/neo4j.sh build            fetch Neo4j from Maven Central (first time) and compile the launcher
#   tools/neo4j.sh start [--import DIR]
#                                   start a Neo4j in the background under .neo4j/dev/; prints `export ...` lines,
#                                   so `eval "$(tools/neo4j.sh start)"` sets CASELINK_TEST_NEO4J_* in your shell;
#                                   --import DIR: first import the files `caselink bulk prepare` wrote into DIR
#   tools/neo4j.sh stop             stop it (waits, deletes its data)
#   tools/neo4j.sh uri | env        print its Bolt URI | its `export ...` lines
#   tools/neo4j.sh run -- CMD ...   start a private Neo4j, run CMD with CASELINK_TEST_NEO4J_* set, always stop
#                                   it, exit with CMD's status (what `make test` uses)
#   tools/neo4j.sh serve --state DIR [--import DIR [--await]]
#                                   for programs (tests, bench/load.py): start a Neo4j with its files in the state
#                                   DIR, print its Bolt URI on stdout once it answers, and stop it (deleting its
#                                   data) when this script's standard input closes; --await: the import files are
#                                   still being written (the launcher warms up and waits for DIR/import.args)
#
# `run` when Neo4j cannot start: with CI=true it fails at once; otherwise it warns and runs CMD without
# CASELINK_TEST_NEO4J_URI, so the Neo4j tests fail (they skip only with CASELINK_SKIP_NEO4J=1, which also
# makes `run` not start Neo4j at all outside CI).
#
# Settings (environment): CASELINK_TEST_NEO4J_PASSWORD (default caselink-test; user is neo4j),
# CASELINK_NEO4J_START_TIMEOUT (seconds, default 180; 3600 with --import), CASELINK_NEO4J_JAVA_OPTS (default
# -Xmx1g ...), CASELINK_NEO4J_IMPORT_MEMORY (the importer's off-heap memory, default 1g),
# CASELINK_NEO4J_MAVEN_ARGS (extra mvn arguments, e.g. -Dmaven.repo.local=/some/dir).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAUNCHER_DIR="$ROOT/tools/neo4j-launcher"
TARGET="$LAUNCHER_DIR/target"
MAIN_CLASS="org.caselink.neo4j.Launcher"
CLASS_FILE="$TARGET/classes/org/caselink/neo4j/Launcher.class"
SOURCE_FILE="$LAUNCHER_DIR/src/main/java/org/caselink/neo4j/Launcher.java"
DEV_STATE="$ROOT/.neo4j/dev"

NEO4J_USER="neo4j"
NEO4J_PASSWORD="${CASELINK_TEST_NEO4J_PASSWORD:-caselink-test}"
START_TIMEOUT="${CASELINK_NEO4J_START_TIMEOUT:-180}"
IMPORT_TIMEOUT="${CASELINK_NEO4J_START_TIMEOUT:-3600}"
JAVA_OPTS="${CASELINK_NEO4J_JAVA_OPTS:--Xms256m -Xmx1g -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError}"
# Flags Neo4j's own start script passes to the JVM (quiets reflective-access warnings, lets netty use direct memory).
JVM_OPENS="--add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
 --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
 -Dio.netty.tryReflectionSetAccessible=true"

say() { echo "neo4j.sh: $*" >&2; }

# True when the compiled launcher and every jar of its classpath are present and newer than the sources.
built() {
    [[ -f "$CLASS_FILE" && -f "$TARGET/classpath.txt" ]] || return 1
    [[ "$CLASS_FILE" -nt "$SOURCE_FILE" && "$TARGET/classpath.txt" -nt "$LAUNCHER_DIR/pom.xml" ]] || return 1
    local jar
    while IFS= read -r -d: jar || [[ -n "$jar" ]]; do
        [[ -z "$jar" || -f "$jar" ]] || return 1
    done < "$TARGET/classpath.txt"
}

cmd_build() {
    command -v java >/dev/null || { say "java not found: install a Java 17 JDK"; return 1; }
    command -v mvn >/dev/null || { say "mvn not found: install Maven 3.8+"; return 1; }
    mkdir -p "$TARGET"
    # One build at a time: several runs may share this working tree.
    exec 8>"$TARGET/.build.lock"
    flock 8
    if ! built; then
        say "building the launcher (the first build downloads Neo4j from Maven Central, ~180 MB)"
        # shellcheck disable=SC2086
        if ! mvn -q -B -f "$LAUNCHER_DIR/pom.xml" ${CASELINK_NEO4J_MAVEN_ARGS:-} process-classes \
            >"$TARGET/build.log" 2>&1; then
            tail -n 40 "$TARGET/build.log" >&2
            say "launcher build failed (full log: $TARGET/build.log)"
            exec 8>&-
            return 1
        fi
        touch "$CLASS_FILE" "$TARGET/classpath.txt"
    fi
    exec 8>&-
}

# pid of the launcher recorded in state dir $1, if that process is still a launcher.
live_pid() {
    local pid
    pid="$(cat "$1/launcher.pid" 2>/dev/null)" || return 1
    [[ -n "$pid" ]] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -q "$MAIN_CLASS" || return 1
    echo "$pid"
}

# Bolt URI written by the launcher in state dir $1.
bolt_uri() {
    local line
    line="$(cat "$1/bolt-uri" 2>/dev/null)" || return 1
    [[ "$line" == "BOLT bolt://"* ]] || return 1
    echo "${line#BOLT }"
}

# Launch in state dir $1 in the background (pid in $1/launcher.pid), standard input from file $2,
# in its own session when $3 is "detach"; extra launcher flags follow.
launch() {
    local state="$1" stdin="$2" detach="$3" prefix=()
    shift 3
    [[ "$detach" == detach ]] && prefix=(setsid)
    rm -rf "$state/work" "$state/bolt-uri"
    mkdir -p "$state"
    # shellcheck disable=SC2086
    "${prefix[@]}" java $JAVA_OPTS $JVM_OPENS -XX:ErrorFile="$state/hs_err_pid%p.log" -cp "$TARGET/classes:$(cat "$TARGET/classpath.txt")" "$MAIN_CLASS" \
        --work-dir "$state/work" --uri-file "$state/bolt-uri" --password "$NEO4J_PASSWORD" \
        --pagecache-mb 256 "$@" <"$stdin" >"$state/launcher.log" 2>&1 3>&- &
    echo $! >"$state/launcher.pid"
}

# Wait until the launcher in $1 has written its URI and its Bolt port accepts connections (at most $2 seconds).
wait_ready() {
    local state="$1" timeout="${2:-$START_TIMEOUT}" pid deadline uri port
    pid="$(cat "$state/launcher.pid")"
    deadline=$((SECONDS + timeout))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            tail -n 40 "$state/launcher.log" >&2 || true
            say "Neo4j exited during start-up (log: $state/launcher.log)"
            return 1
        fi
        if uri="$(bolt_uri "$state")"; then
            port="${uri##*:}"
            if (exec 9<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                return 0
            fi
        fi
        sleep 0.5
    done
    say "Neo4j did not answer on Bolt within ${timeout}s (log: $state/launcher.log)"
    stop_state "$state"
    return 1
}

# Stop the launcher of state dir $1 (TERM, then KILL after 60 s) and delete its data.
stop_state() {
    local state="$1" pid i
    if pid="$(live_pid "$state")"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 600; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            say "Neo4j (pid $pid) ignored SIGTERM for 60 s: killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -rf "$state/work" "$state/bolt-uri" "$state/launcher.pid" "$state/stdin"
}

print_env() {
    printf 'export CASELINK_TEST_NEO4J_URI=%q\n' "$1"
    printf 'export CASELINK_TEST_NEO4J_USER=%q\n' "$NEO4J_USER"
    printf 'export CASELINK_TEST_NEO4J_PASSWORD=%q\n' "$NEO4J_PASSWORD"
}

# --import DIR [--await] in IMPORT_ARGS (DIR absolute) and the start timeout in TIMEOUT, from the arguments
# of start / serve.
parse_import() {
    IMPORT_ARGS=()
    TIMEOUT="$START_TIMEOUT"
    [[ "${1:-}" == "--import" ]] || return 0
    if [[ "${3:-}" == "--await" ]]; then
        IMPORT_ARGS=(--import "$(realpath -m "$2")" --await-import)
    else
        [[ -f "${2:-}/import.args" ]] || { say "--import ${2:-}: no import.args there (write it with \`caselink bulk prepare\`)"; return 2; }
        IMPORT_ARGS=(--import "$(cd "$2" && pwd)")
    fi
    TIMEOUT="$IMPORT_TIMEOUT"
}

cmd_start() {
    local uri
    if live_pid "$DEV_STATE" >/dev/null && uri="$(bolt_uri "$DEV_STATE")"; then
        say "already running at $uri"
        print_env "$uri"
        return 0
    fi
    parse_import "$@" || return $?
    cmd_build
    # detach (setsid): the server outlives this script and the terminal it was started from.
    launch "$DEV_STATE" /dev/null detach "${IMPORT_ARGS[@]}"
    local pid
    pid="$(cat "$DEV_STATE/launcher.pid")"
    wait_ready "$DEV_STATE" "$TIMEOUT" || return 1
    uri="$(bolt_uri "$DEV_STATE")"
    say "Neo4j running at $uri (pid $pid); stop it with: tools/neo4j.sh stop"
    print_env "$uri"
}

cmd_run() {
    [[ "${1:-}" == "--" ]] && shift
    (($# > 0)) || { say "usage: tools/neo4j.sh run -- COMMAND [ARGS...]"; return 2; }
    local ci=false
    [[ "${CI:-}" == "true" || "${CI:-}" == "1" ]] && ci=true
    if [[ "$ci" == false && "${CASELINK_SKIP_NEO4J:-}" == "1" ]]; then
        say "CASELINK_SKIP_NEO4J=1: not starting Neo4j; the Neo4j tests will be skipped"
        exec "$@"
    fi

    # A private state dir per run: several runs in one working tree do not share or stop each other's server.
    local state="$ROOT/.neo4j/run-$$" status=0 old
    # Remove what runs killed outright left behind (their launchers stopped when their pipe closed).
    for old in "$ROOT"/.neo4j/run-*; do
        [[ -d "$old" ]] && ! kill -0 "${old##*/run-}" 2>/dev/null && ! live_pid "$old" >/dev/null && rm -rf "$old"
    done
    # shellcheck disable=SC2064
    trap "stop_state '$state'; exec 3>&-; rm -rf '$state'" EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    local started=false
    if cmd_build; then
        mkdir -p "$state"
        mkfifo "$state/stdin"
        # The launcher reads a pipe whose only writer is this script (fd 3, kept from the launcher and the
        # tests): if this script dies, even by SIGKILL, the pipe closes and Neo4j stops by itself.
        exec 3<>"$state/stdin"
        launch "$state" "$state/stdin" attach --watch-stdin
        wait_ready "$state" && started=true
    fi

    if [[ "$started" == true ]]; then
        local uri
        uri="$(bolt_uri "$state")"
        say "Neo4j $uri ready for the tests"
        export CASELINK_TEST_NEO4J_URI="$uri" CASELINK_TEST_NEO4J_USER="$NEO4J_USER"
        export CASELINK_TEST_NEO4J_PASSWORD="$NEO4J_PASSWORD"
    elif [[ "$ci" == true ]]; then
        say "FAILED: Neo4j could not start and CI=true, so the Neo4j tests cannot run. See the messages above."
        return 1
    else
        say "WARNING: Neo4j could not start; running the tests without it: the Neo4j tests will FAIL."
        say "(set CASELINK_SKIP_NEO4J=1 to skip them on purpose)"
        unset CASELINK_TEST_NEO4J_URI
    fi

    "$@" 3>&- || status=$?
    return "$status"
}

cmd_serve() {
    [[ "${1:-}" == "--state" && -n "${2:-}" ]] || { say "usage: tools/neo4j.sh serve --state DIR [--import DIR [--await]]"; return 2; }
    local state="$2" status=0
    shift 2
    parse_import "$@" || return $?
    cmd_build || return 1
    # The launcher reads this script's standard input: when the caller closes it (or dies), Neo4j stops.
    launch "$state" /dev/stdin attach --watch-stdin "${IMPORT_ARGS[@]}"
    if wait_ready "$state" "$TIMEOUT"; then
        bolt_uri "$state"
        wait "$(cat "$state/launcher.pid")" || status=$?
    else
        status=1
    fi
    stop_state "$state"
    return "$status"
}

case "${1:-}" in
    build) cmd_build ;;
    start)
        shift
        cmd_start "$@"
        ;;
    serve)
        shift
        cmd_serve "$@"
        ;;
    stop)
        stop_state "$DEV_STATE"
        say "stopped"
        ;;
    uri)
        live_pid "$DEV_STATE" >/dev/null && bolt_uri "$DEV_STATE" || { say "not running"; exit 1; }
        ;;
    env)
        uri="$(live_pid "$DEV_STATE" >/dev/null && bolt_uri "$DEV_STATE")" || { say "not running"; exit 1; }
        print_env "$uri"
        ;;
    run)
        shift
        cmd_run "$@"
        ;;
    *)
        sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
