"""Captures the OTLP/HTTP payloads the demo really sends, one folder per scenario.

Used by record-fixtures.sh (which picks the database and cache). Steps:
  1. start scripts/record-otlp.py on a free loopback port;
  2. start the demo (run.sh) exporting http/protobuf to it, 2 workers x 1 thread;
  3. warm up (first DB connection per worker), then for each scenario send one request and wait
     until the exports have stopped arriving; the payloads received in that window go to OUT/<scenario>/;
  4. stop the demo (its exporter flushes on SIGTERM) and write OUT/manifest.json.
Each scenario folder must hold exactly one trace; the script fails otherwise.
"""

import argparse
import datetime as dt
import importlib.metadata as md
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
from shop import scenarios as sc  # noqa: E402

QUIET_SECONDS = 1.5   # > 2x OTEL_BSP_SCHEDULE_DELAY (500 ms): no export pending once this passes
MAX_WAIT_SECONDS = 15
PACKAGES = ["Django", "gunicorn", "psycopg", "redis", "requests", "opentelemetry-api", "opentelemetry-sdk",
            "opentelemetry-exporter-otlp-proto-http", "opentelemetry-instrumentation-django",
            "opentelemetry-instrumentation-psycopg", "opentelemetry-instrumentation-sqlite3",
            "opentelemetry-instrumentation-redis", "opentelemetry-instrumentation-requests", "hotpath-django"]
DB_SCOPES = {"opentelemetry.instrumentation.psycopg", "opentelemetry.instrumentation.sqlite3"}
# Django's SQLite backend runs an explicit BEGIN inside atomic(); PostgreSQL's does not (driver-level).
TX_NAMES = {"BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT"}
POST_PATHS = {"/orders/insert-loop/", "/orders/bulk-create/"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    # A TCP connect, not an HTTP request: readiness probing must not create a trace.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"demo exited early with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("demo did not start listening")


class Recorder:
    def __init__(self, spool: Path, python: str):
        self.port = free_port()
        self.spool = spool
        self.proc = subprocess.Popen(
            [python, str(ROOT / "scripts" / "record-otlp.py"), "--out", str(spool), "--port", str(self.port)],
            stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()
        if not line.startswith("listening"):
            raise SystemExit(f"recorder failed to start: {line!r}")

    def count(self) -> int:
        return requests.get(f"http://127.0.0.1:{self.port}/stats", timeout=5).json()["requests"]

    def wait_quiet(self, before: int) -> int:
        """Waits until at least one new export arrived and none for QUIET_SECONDS; returns the count."""
        deadline = time.monotonic() + MAX_WAIT_SECONDS
        last, last_change = self.count(), time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.1)
            now = self.count()
            if now != last:
                last, last_change = now, time.monotonic()
            elif last > before and time.monotonic() - last_change >= QUIET_SECONDS:
                return last
        if last == before:
            raise SystemExit("no export arrived")
        return last

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


def move_new(spool: Path, dest: Path, start: int, end: int) -> list:
    dest.mkdir(parents=True, exist_ok=True)
    names = []
    for i, seq in enumerate(range(start + 1, end + 1), 1):
        for ext in (".pb", ".json"):
            shutil.move(spool / f"{seq:03d}{ext}", dest / f"{i:03d}{ext}")
        names.append(f"{i:03d}.pb")
    return names


def describe(folder: Path, files: list) -> dict:
    traces, scopes, names = set(), Counter(), Counter()
    for name in files:
        req = ExportTraceServiceRequest()
        req.ParseFromString((folder / name).read_bytes())
        for rs in req.resource_spans:
            for ss in rs.scope_spans:
                for span in ss.spans:
                    traces.add(span.trace_id.hex())
                    scopes[ss.scope.name] += 1
                    names[span.name] += 1
    db_spans = sum(n for scope, n in scopes.items() if scope in DB_SCOPES)
    tx_spans = sum(n for name, n in names.items() if name in TX_NAMES)
    return {"trace_ids": sorted(traces), "spans": sum(scopes.values()), "db_spans": db_spans,
            "db_spans_without_tx_control": db_spans - tx_spans, "spans_by_scope": dict(scopes),
            "spans_by_name": dict(names)}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--label", required=True, help="e.g. 'PostgreSQL + Redis'")
    args = ap.parse_args()
    python = sys.executable
    final: Path = args.out
    # Record beside the target and swap at the end, so a failed run never loses the old fixtures.
    out = final.parent / (final.name + ".partial")
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    spool = Path(tempfile.mkdtemp(prefix="otlp-spool-"))
    recorder = Recorder(spool, python)
    port = free_port()
    env = dict(os.environ, DEMO_PORT=str(port), DEMO_WORKERS="2", DEMO_THREADS="2",
               OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
               OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{recorder.port}",
               OTEL_BSP_SCHEDULE_DELAY="500", DEMO_OUTBOUND_URL="")
    demo = subprocess.Popen([str(HERE / "run.sh")], env=env, stdout=subprocess.DEVNULL)
    manifest = {"captured_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "setup": args.label, "protocol": "http/protobuf", "gunicorn": "2 workers x 2 threads (gthread)",
                "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
                "cache": "redis" if os.environ.get("REDIS_URL") else "locmem",
                "semconv_opt_in": os.environ.get("OTEL_SEMCONV_STABILITY_OPT_IN", ""),
                "packages": {p: _version(p) for p in PACKAGES}, "scenarios": []}
    try:
        wait_for_port(port, demo)
        base = f"http://127.0.0.1:{port}"
        seen = recorder.count()
        # Warm-up: each worker opens its DB connection on first use; keep that out of the scenarios.
        for _ in range(4):
            _concurrent_gets(base + "/books/count/", 8)
        seen_after = recorder.wait_quiet(seen)
        files = move_new(spool, out / "warmup", seen, seen_after)
        manifest["scenarios"].append(_entry(out, "warmup", "/books/count/", "GET", 200, files,
                                            "4 rounds of 8 concurrent requests; opens each worker's DB connection"))
        seen = seen_after
        for name, path, status, queries, shows in sc.SCENARIOS:
            method = "POST" if path in POST_PATHS else "GET"
            resp = requests.request(method, base + path, timeout=30)
            if resp.status_code != status:
                raise SystemExit(f"{path}: expected {status}, got {resp.status_code}")
            now = recorder.wait_quiet(seen)
            files = move_new(spool, out / name, seen, now)
            entry = _entry(out, name, path, method, status, files, shows, queries)
            if len(entry["trace_ids"]) != 1:
                raise SystemExit(f"{name}: expected one trace, found {entry['trace_ids']}")
            if entry["db_spans_without_tx_control"] != queries:
                raise SystemExit(f"{name}: expected {queries} DB statements, saw {entry['db_spans_without_tx_control']}")
            manifest["scenarios"].append(entry)
            seen = now
            print(f"{name:16s} {method:4s} {path:26s} {status} {len(files)} export(s) {entry['spans']} span(s)")
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
        time.sleep(0.5)
        recorder.stop()
    leftovers = sorted(spool.glob("*.pb"))
    if leftovers:
        raise SystemExit(f"{len(leftovers)} export(s) arrived outside any scenario window, kept in {spool}")
    shutil.rmtree(spool)
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    if final.exists():
        shutil.rmtree(final)
    out.rename(final)
    return 0


def _concurrent_gets(url: str, n: int) -> None:
    with ThreadPoolExecutor(n) as pool:
        for r in pool.map(lambda _: requests.get(url, timeout=30), range(n)):
            r.raise_for_status()


def _entry(out: Path, name, path, method, status, files, shows, queries=None) -> dict:
    entry = {"scenario": name, "folder": name, "method": method, "path": path, "status": status,
             "expected_db_statements": queries, "shows": shows, "files": files}
    entry.update(describe(out / name, files))
    return entry


def _version(name: str):
    try:
        return md.version(name)
    except md.PackageNotFoundError:
        return None


if __name__ == "__main__":
    sys.exit(main())
