# Sourced by the benchmarks that measure the store on a fresh demo database (stock.sh, billing.sh).
#
# Expects: root (the repository), db (sqlite or postgres), name (the benchmark's name), out (its artifacts folder).
# Sets BINARY (a release build unless given), creates a fresh database (a temporary SQLite file, or the database
# aftercare_<name>_bench on the test PostgreSQL of scripts/pg-test-server.sh), removed on exit, and runs
# `aftercare migrate` and `aftercare demo --requests ${demo_requests:-1000}` in a temporary working directory.

if [[ -z ${BINARY:-} ]]; then
    (cd "$root" && swift build -c release --product aftercare --scratch-path .build-release) >&2
    BINARY=$root/.build-release/release/aftercare
fi

work=$(mktemp -d)
pg_dir=""
cleanup() {
    [[ -n $pg_dir ]] && bash "$root/scripts/pg-test-server.sh" stop "$pg_dir" >/dev/null 2>&1 || true
    rm -rf "$work" ${pg_dir:+"$pg_dir"}
}
trap cleanup EXIT

unset DATABASE_URL SQLITE_PATH
if [[ $db == sqlite ]]; then
    export SQLITE_PATH=$work/aftercare.sqlite
else
    pg_dir=$(mktemp -d "/tmp/aftercare-$name-pg.XXXXXX")
    bash "$root/scripts/pg-test-server.sh" start "$pg_dir" >/dev/null
    port=${PG_TEST_PORT:-55432}
    PGPASSWORD=aftercare psql -X -q -h 127.0.0.1 -p "$port" -U aftercare -d aftercare \
        -c "DROP DATABASE IF EXISTS aftercare_${name}_bench" -c "CREATE DATABASE aftercare_${name}_bench"
    export DATABASE_URL=postgres://aftercare:aftercare@127.0.0.1:$port/aftercare_${name}_bench
fi

cd "$work"
"$BINARY" migrate >"$out/migrate.log" 2>&1
"$BINARY" demo --requests "${demo_requests:-1000}" >"$out/demo.log" 2>&1
