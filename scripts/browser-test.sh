#!/usr/bin/env bash
# Browser tests of the server-rendered pages: Selenium (PyPI) driving Debian's headless Chromium.
#
#   bash scripts/browser-test.sh PATH/TO/aftercare [browser_test.py arguments...]
#
# Installs chromium, chromium-driver and a CJK font with apt if missing, installs selenium into a
# cached virtualenv, starts `aftercare serve --demo` on 127.0.0.1:18080 with a fresh temporary
# SQLite file, waits for /healthz (up to 300 s: the first start loads the demo data), runs
# scripts/browser_test.py with its screenshots, failing pages, PDF and logs in
# $ARTIFACTS_DIR/browser/, stops the server and exits with the test's status.
#
# Environment (all optional):
#   SELENIUM_VERSION      pinned version to install (default below)
#   SELENIUM_VENV         virtualenv to install it into (default ~/.cache/aftercare/...)
#   BROWSER_TEST_PORT     server port (default 18080)
#   BROWSER_TEST_TIMEOUT  hard bound on the browser run, seconds (default 900)
#   ARTIFACTS_DIR         where the browser/ folder goes (default ./artifacts)
#   AFTERCARE_SWEEP_INTERVAL  the server's sweep interval, seconds (default 2 here)
set -euo pipefail

if [[ $# -lt 1 ]]; then
    echo "usage: $0 PATH/TO/aftercare [browser_test.py args...]" >&2
    exit 2
fi
binary=$(realpath "$1")
shift
[[ -x $binary ]] || {
    echo "browser-test: $binary is not an executable" >&2
    exit 2
}

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
artifacts=${ARTIFACTS_DIR:-$root/artifacts}
out=$artifacts/browser
version=${SELENIUM_VERSION:-4.51.0}
venv=${SELENIUM_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/aftercare/selenium-$version}
port=${BROWSER_TEST_PORT:-18080}
test_timeout=${BROWSER_TEST_TIMEOUT:-900}
base=http://127.0.0.1:$port

say() { echo "browser-test: $*"; }

# --- install -----------------------------------------------------------------------------
# fonts-noto-cjk: without a CJK font the zh-Hans/zh-Hant screenshots show empty boxes.
packages=(chromium chromium-driver fonts-noto-cjk)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 ]]; then
    sudo=()
    [[ $EUID -eq 0 ]] || sudo=(sudo)
    say "installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -q
    "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
[[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]] || {
    say "no /usr/bin/chromium or /usr/bin/chromedriver after installing"
    exit 1
}

if ! "$venv/bin/python" -c "import sys, selenium; sys.exit(selenium.__version__ != '$version')" 2>/dev/null; then
    say "installing selenium==$version into $venv"
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "selenium==$version"
fi
say "$(/usr/bin/chromium --version 2>/dev/null), $(/usr/bin/chromedriver --version | cut -d' ' -f1-2), selenium $version"

# --- server ------------------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$out"
tmp=$(mktemp -d /tmp/aftercare-browser.XXXXXX)
server_pid=""

# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    if [[ -n $server_pid ]]; then
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
    rm -rf "$tmp"
}
trap cleanup EXIT

if curl --noproxy '*' -s -o /dev/null -m 2 "$base/healthz"; then
    say "something already answers on $base; stop it or set BROWSER_TEST_PORT"
    exit 1
fi

say "starting $binary serve --demo on $base (log: $out/server.log)"
(
    cd "$root" # the server reads docs/ relative to its working directory
    unset DATABASE_URL
    export SQLITE_PATH=$tmp/aftercare.sqlite
    # Sweeps every 2 s instead of 30 s: the SLA scenario waits for a follow-up and its notification.
    export AFTERCARE_SWEEP_INTERVAL=${AFTERCARE_SWEEP_INTERVAL:-2}
    exec "$binary" serve --demo --hostname 127.0.0.1 --port "$port" </dev/null >"$out/server.log" 2>&1
) &
server_pid=$!

started=$SECONDS
healthy=""
while ((SECONDS - started < 300)); do # --demo loads the demo data before serving
    if ! kill -0 "$server_pid" 2>/dev/null; then
        say "server exited before /healthz answered; last log lines:"
        tail -n 60 "$out/server.log" || true
        exit 1
    fi
    if curl --noproxy '*' -fsS -m 2 "$base/healthz" >"$tmp/health.json" 2>/dev/null; then
        healthy=1
        break
    fi
    sleep 0.2
done
if [[ -z $healthy ]]; then
    say "/healthz did not answer within 300 s; last log lines:"
    tail -n 60 "$out/server.log" || true
    exit 1
fi
say "healthy after $((SECONDS - started)) s: $(cat "$tmp/health.json")"

# --- run ---------------------------------------------------------------------------------
set +e
NO_PROXY='127.0.0.1,localhost' no_proxy='127.0.0.1,localhost' SE_OFFLINE=true \
    timeout --kill-after=30 "$test_timeout" "$venv/bin/python" "$root/scripts/browser_test.py" \
    --base-url "$base" --screenshots "$out" "$@" 2>&1 | tee "$out/browser-test.log"
rc=${PIPESTATUS[0]}
set -e

if [[ $rc -eq 124 || $rc -eq 137 ]]; then
    say "FAILED: the browser test did not finish within ${test_timeout}s"
    rc=1
fi
if ! kill -0 "$server_pid" 2>/dev/null; then
    say "FAILED: the server died during the run"
    rc=1
fi
cleanup
trap - EXIT
if [[ $rc -ne 0 ]]; then
    say "last server log lines:"
    tail -n 60 "$out/server.log" || true
    say "FAILED with exit code $rc; screenshots and failing pages in $out"
else
    say "OK; screenshots in $out"
fi
exit "$rc"
