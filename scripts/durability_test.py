#!/usr/bin/env python3
"""Crash-durability test for service-request registration (SQLite).

For each round: start `aftercare serve` on a temp SQLite file, let N client threads POST
service requests as fast as they can, and `kill -9` the server after a random 0.5-2 s while
requests are in flight. Every number returned with a 201 is "acknowledged". After the last
round the SQLite file must hold every acknowledged number, no number twice, and, per year,
the gap-free sequence 1..max. A final restart must come up healthy and find an acknowledged
request by number through the API.

Python 3 standard library only; talks to 127.0.0.1 only; bounded in time (--deadline for the
rounds, plus at most 120 s + 180 s for `aftercare migrate` and `aftercare demo`).

    python3 scripts/durability_test.py --binary .build/debug/aftercare [--rounds 5] [--clients 8]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter, defaultdict
from http.client import HTTPException

NUMBER_RE = re.compile(r"^SR-(\d{4})-(\d+)$")
FAULTS = ["复印件打印模糊", "卡纸", "不制冷", "开机无显示", "漏水", "异响"]

# Never go through a proxy, even if the environment names one: loopback only.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def log(msg: str) -> None:
    print(f"[durability {time.strftime('%H:%M:%S')}] {msg}", flush=True)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The API needs a token: the demo administrator's, issued by `aftercare user token` after the demo load.
TOKEN: str | None = None


def http(method: str, url: str, body: dict | None = None, timeout: float = 5.0):
    """Returns (status, parsed JSON or raw text). Raises OSError-ish on connection failure."""
    data = None
    headers = {"Accept": "application/json"}
    if TOKEN:
        headers["Authorization"] = "Bearer " + TOKEN
    if body is not None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with OPENER.open(req, timeout=timeout) as resp:
            raw = resp.read()
            status = resp.status
    except urllib.error.HTTPError as e:
        raw = e.read()
        status = e.code
    try:
        return status, json.loads(raw.decode("utf-8")) if raw else None
    except (ValueError, UnicodeDecodeError):
        return status, raw[:500]


class Server:
    def __init__(self, binary: str, env: dict, logdir: str, name: str, extra: list[str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.logpath = os.path.join(logdir, f"server-{name}.log")
        self.logfile = open(self.logpath, "wb")
        cmd = [binary, "serve", "--hostname", "127.0.0.1", "--port", str(self.port), *extra]
        self.proc = subprocess.Popen(
            cmd, env=env, stdin=subprocess.DEVNULL, stdout=self.logfile, stderr=subprocess.STDOUT
        )

    def wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode} before /healthz (log: {self.logpath})")
            try:
                status, body = http("GET", self.base + "/healthz", timeout=2)
                if status == 200 and isinstance(body, dict) and body.get("status") == "ok":
                    return
                last = f"{status} {body!r}"
            except OSError as e:
                last = repr(e)
            time.sleep(0.1)
        raise RuntimeError(f"/healthz not ok after {timeout:.0f}s (last: {last}; log: {self.logpath})")

    def kill9(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        self.logfile.close()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.logfile.close()


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.acked: list[str] = []  # numbers from 201 responses
        self.acked_ids: dict[str, int] = {}
        self.conn_errors = 0  # expected around the kill
        self.http_errors: list[str] = []  # any non-201 status: a failure
        self.bad_bodies: list[str] = []


def client(base: str, customer_id: int, stop: threading.Event, stats: Stats, seed: int) -> None:
    rnd = random.Random(seed)
    url = base + "/api/v1/service-requests"
    while not stop.is_set():
        body = {
            "customerId": customer_id,
            "channel": "phone",
            "type": "repair",
            "faultDescription": rnd.choice(FAULTS),
            "priority": rnd.choice(["normal", "high"]),
            "contactName": "王先生",
            "contactPhone": "138%08d" % rnd.randrange(10**8),
            "unitIds": [],
        }
        try:
            status, resp = http("POST", url, body, timeout=10)
        except (OSError, HTTPException):  # connection refused/reset: the server is gone
            with stats.lock:
                stats.conn_errors += 1
            if stop.wait(0.02):
                return
            continue
        if status == 201:
            number = resp.get("number") if isinstance(resp, dict) else None
            if not isinstance(number, str) or not NUMBER_RE.match(number):
                with stats.lock:
                    stats.bad_bodies.append(repr(resp)[:300])
                continue
            with stats.lock:
                stats.acked.append(number)
                if isinstance(resp.get("id"), int):
                    stats.acked_ids[number] = resp["id"]
        else:
            with stats.lock:
                stats.http_errors.append(f"{status} {resp!r}"[:300])
            stop.wait(0.05)


def first_customer_id(base: str) -> int:
    status, body = http("GET", base + "/api/v1/customers?limit=1")
    if status != 200 or not isinstance(body, dict) or not body.get("items"):
        raise RuntimeError(f"GET /api/v1/customers?limit=1 gave {status} {body!r}; demo data missing?")
    cid = body["items"][0].get("id")
    if not isinstance(cid, int):
        raise RuntimeError(f"customer without integer id: {body['items'][0]!r}")
    return cid


def run_cmd(binary: str, args: list[str], env: dict, logdir: str, name: str, timeout: float) -> None:
    path = os.path.join(logdir, f"{name}.log")
    with open(path, "wb") as f:
        r = subprocess.run([binary, *args], env=env, stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.STDOUT, timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"`aftercare {' '.join(args)}` exited {r.returncode} (log: {path})")


def check_database(path: str, acked: list[str]) -> tuple[dict, list[str]]:
    """Returns (counts, problems)."""
    problems: list[str] = []
    db = sqlite3.connect(path)
    try:
        rows = [r[0] for r in db.execute("SELECT number FROM service_requests")]
        dup_rows = db.execute(
            "SELECT number, count(*) FROM service_requests GROUP BY number HAVING count(*) > 1"
        ).fetchall()
    finally:
        db.close()

    present = set(rows)
    missing = [n for n in dict.fromkeys(acked) if n not in present]
    acked_dups = [n for n, c in Counter(acked).items() if c > 1]
    duplicated = sorted({n for n, _ in dup_rows} | set(acked_dups))

    per_year: dict[str, list[int]] = defaultdict(list)
    malformed = []
    for n in rows:
        m = NUMBER_RE.match(n or "")
        if not m:
            malformed.append(n)
            continue
        per_year[m.group(1)].append(int(m.group(2)))
    gaps: list[str] = []
    for year, seqs in sorted(per_year.items()):
        s = set(seqs)
        top = max(s)
        if 0 in s:
            problems.append(f"year {year}: sequence number 0 present")
        holes = [i for i in range(1, top + 1) if i not in s]
        gaps.extend(f"SR-{year}-{i:06d}" for i in holes)
        log(f"year {year}: {len(seqs)} rows, max {top}, {len(holes)} gaps")

    if missing:
        problems.append(f"{len(missing)} acknowledged numbers missing from the database, e.g. {missing[:10]}")
    if duplicated:
        problems.append(f"{len(duplicated)} numbers duplicated, e.g. {duplicated[:10]}")
    if gaps:
        problems.append(f"{len(gaps)} gaps in the per-year sequences, e.g. {gaps[:10]}")
    if malformed:
        problems.append(f"{len(malformed)} malformed numbers, e.g. {malformed[:10]}")
    counts = {"rows": len(rows), "missing": len(missing), "duplicated": len(duplicated), "gaps": len(gaps)}
    return counts, problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True, help="path to the aftercare executable")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--min-run", type=float, default=0.5, help="least seconds of load before kill -9")
    ap.add_argument("--max-run", type=float, default=2.0, help="most seconds of load before kill -9")
    ap.add_argument("--startup-timeout", type=float, default=60.0, help="seconds to wait for /healthz")
    ap.add_argument(
        "--deadline", type=float, default=110.0, help="fail if the kill -9 rounds go on longer than this (seconds)"
    )
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--artifacts", default="artifacts/durability", help="where server logs go")
    ap.add_argument("--keep", action="store_true", help="keep the temp SQLite file")
    args = ap.parse_args()

    binary = os.path.abspath(args.binary)
    if not os.access(binary, os.X_OK):
        print(f"durability: FAILED: {binary} is not an executable", flush=True)
        return 1
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    rnd = random.Random(seed)
    log(f"seed {seed} (rerun with --seed {seed}), {args.rounds} rounds, {args.clients} clients")

    os.makedirs(args.artifacts, exist_ok=True)
    logdir = os.path.abspath(args.artifacts)
    for old in os.listdir(logdir):  # logs of an earlier run would mislead
        if old.endswith(".log"):
            os.remove(os.path.join(logdir, old))
    tmp = tempfile.mkdtemp(prefix="aftercare-durability-")
    dbpath = os.path.join(tmp, "aftercare.sqlite")
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)  # SQLite, always
    env["SQLITE_PATH"] = dbpath
    for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        env.pop(k, None)

    started = time.monotonic()
    stats = Stats()
    problems: list[str] = []
    server: Server | None = None
    counts = {"missing": "?", "duplicated": "?", "gaps": "?"}
    try:
        log(f"database {dbpath}; loading demo data")
        run_cmd(binary, ["migrate"], env, logdir, "migrate", timeout=120)
        run_cmd(binary, ["demo"], env, logdir, "demo", timeout=180)
        global TOKEN
        issued = subprocess.run(
            [binary, "user", "token", "--username", "admin", "--name", "durability"],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
        )
        TOKEN = issued.stdout.strip().splitlines()[-1] if issued.returncode == 0 and issued.stdout.strip() else None
        if not TOKEN or not TOKEN.startswith("act_"):
            raise RuntimeError(f"could not issue a token (exit {issued.returncode}): {issued.stderr[-300:]!r}")

        customer_id = None
        rounds_started = time.monotonic()  # the deadline covers the rounds, not the demo load
        for rnd_no in range(1, args.rounds + 1):
            if time.monotonic() - rounds_started > args.deadline:
                raise RuntimeError(f"deadline of {args.deadline:.0f}s passed before round {rnd_no}")
            server = Server(binary, env, logdir, f"round{rnd_no}", [])
            server.wait_healthy(args.startup_timeout)
            if customer_id is None:
                customer_id = first_customer_id(server.base)
            before = len(stats.acked)
            stop = threading.Event()
            threads = [
                threading.Thread(
                    target=client, args=(server.base, customer_id, stop, stats, rnd.randrange(2**31)), daemon=True
                )
                for _ in range(args.clients)
            ]
            for t in threads:
                t.start()
            run_for = rnd.uniform(args.min_run, args.max_run)
            time.sleep(run_for)
            server.kill9()  # while requests are in flight
            time.sleep(0.1)
            stop.set()
            for t in threads:
                t.join(timeout=15)
            if any(t.is_alive() for t in threads):
                raise RuntimeError("client threads did not stop")
            server = None
            log(f"round {rnd_no}: killed after {run_for:.2f}s, {len(stats.acked) - before} acknowledged")

        if not stats.acked:
            problems.append("no request was acknowledged at all")

        # Final restart: healthy, and an acknowledged request is found by its number.
        server = Server(binary, env, logdir, "final", [])
        server.wait_healthy(args.startup_timeout)
        probes = [stats.acked[-1], rnd.choice(stats.acked)] if stats.acked else []
        for number in probes:
            q = urllib.parse.urlencode({"number": number})
            status, body = http("GET", f"{server.base}/api/v1/service-requests?{q}")
            items = body.get("items") if isinstance(body, dict) else None
            if status != 200 or not items or not any(i.get("number") == number for i in items):
                problems.append(f"GET /api/v1/service-requests?number={number} after restart gave {status} {body!r:.300}")
            rid = stats.acked_ids.get(number)
            if rid is not None:
                status, body = http("GET", f"{server.base}/api/v1/service-requests/{rid}")
                if status != 200 or not isinstance(body, dict) or body.get("number") != number:
                    problems.append(f"GET /api/v1/service-requests/{rid} after restart gave {status} {body!r:.300}")
        server.stop()
        server = None

        counts, db_problems = check_database(dbpath, stats.acked)
        problems.extend(db_problems)
    except Exception as e:  # noqa: BLE001 - report any failure as a test failure
        problems.append(f"{type(e).__name__}: {e}")
    finally:
        if server is not None:
            try:
                server.kill9()
            except Exception:  # noqa: BLE001
                pass
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    if stats.http_errors:
        sample = "; ".join(stats.http_errors[:5])
        problems.append(f"{len(stats.http_errors)} non-201 responses while the server was up, e.g. {sample}")
    if stats.bad_bodies:
        problems.append(f"{len(stats.bad_bodies)} 201 responses without a valid number, e.g. {stats.bad_bodies[:3]}")

    elapsed = time.monotonic() - started
    for p in problems:
        print(f"durability: FAILURE: {p}", flush=True)
    print(
        f"durability: {len(stats.acked)} acknowledged, {counts['missing']} missing, "
        f"{counts['duplicated']} duplicated, {counts['gaps']} gaps "
        f"({args.rounds} kill -9 rounds, {stats.conn_errors} connection errors around kills, "
        f"{elapsed:.1f}s, seed {seed}) -> {'FAILED' if problems else 'OK'}",
        flush=True,
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
