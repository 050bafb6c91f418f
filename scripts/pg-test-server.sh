#!/usr/bin/env bash
# Throw-away PostgreSQL server for tests and benchmarks.
#
#   scripts/pg-test-server.sh start  DIR   # initdb into DIR (if needed) and start
#   scripts/pg-test-server.sh stop   DIR   # fast shutdown (DIR is left in place)
#   scripts/pg-test-server.sh status DIR
#   scripts/pg-test-server.sh url    DIR   # print the connection URL
#
# The server listens on 127.0.0.1 only (port $PG_TEST_PORT, default 55432); its unix socket
# lives in DIR. It has a role `aftercare` (LOGIN CREATEDB, password `aftercare`) owning a
# database `aftercare`, and pg_trgm is installed in template1, so every database created
# afterwards (tests create their own) has it too. The cluster is UTF-8 with a C.UTF-8 locale,
# which pg_trgm needs to index Chinese text.
#
# Run as root, the cluster belongs to the `postgres` OS user (PostgreSQL refuses to run as
# root); run as anyone else, it belongs to that user. Binaries: $PG_BINDIR, else the newest
# /usr/lib/postgresql/*/bin with initdb.
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|status|url DIR" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
action=$1
dir=$2
port=${PG_TEST_PORT:-55432}
role=aftercare
password=aftercare
database=aftercare

log() { echo "pg-test-server: $*" >&2; }
die() {
    log "error: $*"
    exit 1
}

find_bindir() {
    if [[ -n ${PG_BINDIR:-} ]]; then
        [[ -x $PG_BINDIR/initdb ]] || die "PG_BINDIR=$PG_BINDIR has no initdb"
        echo "$PG_BINDIR"
        return
    fi
    local best=""
    local d
    for d in /usr/lib/postgresql/*/bin; do
        [[ -x $d/initdb && -x $d/pg_ctl ]] && best=$d
    done
    # The glob sorts 10 < 15 < 9.6 lexically; prefer 15 explicitly when present.
    [[ -x /usr/lib/postgresql/15/bin/initdb ]] && best=/usr/lib/postgresql/15/bin
    [[ -n $best ]] || die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql)"
    echo "$best"
}

# Run a command as the cluster's owner.
as_owner() {
    if [[ $EUID -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pick_locale() {
    local available
    available=$(locale -a 2>/dev/null || true)
    # glibc lists C.UTF-8 as "C.utf8"; initdb accepts either spelling.
    if grep -qiE '^c\.utf-?8$' <<<"$available"; then
        echo C.UTF-8
        return
    fi
    if grep -qiE '^en_us\.utf-?8$' <<<"$available"; then
        echo en_US.UTF-8
        return
    fi
    die "no UTF-8 locale (C.UTF-8 or en_US.UTF-8) on this machine; pg_trgm needs one for Chinese text"
}

if [[ $action == start ]]; then
    mkdir -p "$dir"
fi
if [[ -d $dir ]]; then
    dir=$(cd "$dir" && pwd)
elif [[ $action == stop ]]; then
    log "not running ($dir does not exist)"
    exit 0
fi
data=$dir/data
logfile=$dir/postgres.log
sock=$dir
bindir=$(find_bindir)
pg_ctl=$bindir/pg_ctl
psql=$bindir/psql
[[ -x $psql ]] || psql=$(command -v psql || true)
[[ -n $psql ]] || die "psql not found"

# Unix socket paths are limited to 107 bytes.
if ((${#sock} + 20 > 107)); then
    die "DIR path too long for a unix socket: $sock"
fi

url="postgres://$role:$password@127.0.0.1:$port/$database"

is_running() {
    [[ -f $data/PG_VERSION ]] && as_owner "$pg_ctl" -D "$data" status >/dev/null 2>&1
}

superuser_psql() {
    # Connects through the unix socket in DIR as the bootstrap superuser (trust auth locally).
    as_owner env PGOPTIONS="-c client_min_messages=warning" "$psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres "$@"
}

do_init() {
    if [[ -f $data/PG_VERSION ]]; then
        return
    fi
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing (install the postgresql package)"
        chown postgres: "$dir"
        # The postgres user must be able to reach DIR.
        if ! runuser -u postgres -- test -x "$dir"; then
            die "user postgres cannot access $dir (a parent directory is not searchable by it); use e.g. DIR=\$(mktemp -d /tmp/pg.XXXXXX)"
        fi
    fi
    local loc
    loc=$(pick_locale)
    log "initdb into $data (locale $loc, $("$bindir/postgres" --version))"
    as_owner "$bindir/initdb" -D "$data" -U postgres --encoding=UTF8 --locale="$loc" \
        --auth-local=trust --auth-host=scram-sha-256 >"$dir/initdb.log" 2>&1 ||
        {
            cat "$dir/initdb.log" >&2
            die "initdb failed"
        }
    cat >>"$data/postgresql.conf" <<EOF

# --- aftercare test server ---
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$sock'
max_connections = 300
shared_buffers = 128MB
password_encryption = 'scram-sha-256'
log_min_messages = warning
log_min_error_statement = error
EOF
    # Only loopback TCP and the local socket.
    cat >"$data/pg_hba.conf" <<EOF
local   all   all                   trust
host    all   all   127.0.0.1/32    scram-sha-256
EOF
}

do_setup() {
    superuser_psql -d template1 -c "CREATE EXTENSION IF NOT EXISTS pg_trgm"
    superuser_psql -d postgres <<EOF
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN
        CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password';
    ELSE
        ALTER ROLE $role LOGIN CREATEDB PASSWORD '$password';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $database OWNER $role'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$database') \gexec
EOF
    superuser_psql -d "$database" -c "CREATE EXTENSION IF NOT EXISTS pg_trgm"
}

case $action in
start)
    do_init
    if is_running; then
        log "already running in $data"
    else
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            die "something already listens on 127.0.0.1:$port (set PG_TEST_PORT)"
        fi
        [[ $EUID -eq 0 ]] && touch "$logfile" && chown postgres: "$logfile"
        as_owner "$pg_ctl" -D "$data" -l "$logfile" -w -t 60 start >/dev/null ||
            {
                tail -n 30 "$logfile" >&2 || true
                die "PostgreSQL did not start"
            }
    fi
    do_setup
    # Check the URL really works over TCP with the password.
    PGPASSWORD=$password "$psql" -X -q -h 127.0.0.1 -p "$port" -U "$role" -d "$database" \
        -c "SELECT 1" >/dev/null || die "cannot log in as $role over 127.0.0.1:$port"
    log "running: $url (data $data, log $logfile)"
    echo "$url"
    ;;
stop)
    if is_running; then
        as_owner "$pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null
        log "stopped ($data)"
    else
        log "not running ($data)"
    fi
    ;;
status)
    if is_running; then
        echo "running: $url"
    else
        echo "not running"
        exit 3
    fi
    ;;
url)
    echo "$url"
    ;;
*)
    usage
    ;;
esac
