"""Requests per second of one demo view, side by side: no instrumentation, OTel, OTel + hotpath-django,
django-silk and django-prometheus.

  python bench_overhead.py [--path /books/select-related/] [--requests 800] [--warmup 200] [--rounds 3]

Each configuration runs in its own process (settings and instrumentation are process-wide) on its
own copy of one seeded SQLite file with LocMem cache, calling the WSGI application in-process, so
the figures measure per-request framework/instrumentation cost without HTTP client noise. OTel runs
use `opentelemetry-instrument` with the SDK defaults (BatchSpanProcessor) and export OTLP/HTTP to a
discarding loopback sink (scripts/record-otlp.py --discard). Rounds interleave the configurations
and the median per configuration is reported. Bounded: rounds x configs x (warmup + requests).
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent

# name, env overrides, run under opentelemetry-instrument?
CONFIGS = [
    ("baseline (no instrumentation)", {"DEMO_HOTPATH": "0"}, False),
    ("OTel only", {"DEMO_HOTPATH": "0"}, True),
    ("OTel + hotpath-django", {"DEMO_HOTPATH": "1"}, True),
    ("django-silk", {"DEMO_HOTPATH": "0", "DEMO_SILK": "1"}, False),
    ("django-prometheus", {"DEMO_HOTPATH": "0", "DEMO_PROMETHEUS": "1"}, False),
]


def worker(path: str, requests: int, warmup: int) -> None:
    """Runs inside the measured process: drives the WSGI app directly and prints one JSON line."""
    sys.path.insert(0, str(HERE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "demo.settings")
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    base_env = {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "RAW_URI": path, "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.errors": sys.stderr,
    }
    statuses = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    import io

    def one() -> None:
        env = dict(base_env)
        env["wsgi.input"] = io.BytesIO(b"")
        body = app(env, start_response)
        try:
            for _ in body:
                pass
        finally:
            if hasattr(body, "close"):
                body.close()

    for _ in range(warmup):
        one()
    statuses.clear()
    durations = []
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(requests):
        s = time.perf_counter()
        one()
        durations.append(time.perf_counter() - s)
    elapsed = time.perf_counter() - t0
    # CPU time of the whole process (request thread and the exporter's background thread): unlike
    # wall time it barely moves when other processes compete for the 2 cores.
    cpu = time.process_time() - c0
    bad = [s for s in statuses if not s.startswith("200")]
    if bad:
        raise SystemExit(f"{len(bad)} non-200 responses, e.g. {bad[0]}")
    durations.sort()
    print(json.dumps({"rps": requests / elapsed, "cpu_us": cpu / requests * 1e6, "p50_us": durations[len(durations) // 2] * 1e6,
                      "p99_us": durations[int(len(durations) * 0.99)] * 1e6}), flush=True)


def prepare_db(venv_py: str, workdir: Path) -> dict:
    """One seeded SQLite file per configuration (silk and prometheus need their own tables/engine)."""
    seeded = workdir / "seed.sqlite3"
    env = dict(os.environ, DEMO_HOTPATH="0", DEMO_SQLITE_PATH=str(seeded))
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    for args in (["migrate", "--noinput", "-v", "0"], ["seed", "-v", "0"]):
        subprocess.run([venv_py, "manage.py", *args], cwd=HERE, env=env, check=True)
    paths = {}
    for i, (name, overrides, _) in enumerate(CONFIGS):
        copy = workdir / f"config{i}.sqlite3"
        shutil.copyfile(seeded, copy)
        if overrides.get("DEMO_SILK") == "1":
            subprocess.run([venv_py, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=HERE, check=True,
                           env=dict(env, DEMO_SILK="1", DEMO_SQLITE_PATH=str(copy)))
        paths[name] = str(copy)
    return paths


def main() -> int:
    ap = argparse.ArgumentParser(description="Per-request overhead of instrumentation options on the demo.")
    ap.add_argument("--path", default="/books/select-related/")
    ap.add_argument("--requests", type=int, default=800)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.path, args.requests, args.warmup)
        return 0

    bindir = Path(sys.executable).parent
    workdir = Path(tempfile.mkdtemp(prefix="demo-bench-"))
    sink = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "record-otlp.py"), "--discard", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        sink_port = int(sink.stdout.readline().split("http=")[1].split()[0])
        dbs = prepare_db(sys.executable, workdir)
        results = {name: [] for name, _, _ in CONFIGS}
        for rnd in range(args.rounds):
            for name, overrides, otel in CONFIGS:
                env = dict(os.environ, **overrides, DEMO_SQLITE_PATH=dbs[name], DJANGO_SETTINGS_MODULE="demo.settings",
                           DEMO_LOG_LEVEL="ERROR")
                for var in ("DATABASE_URL", "REDIS_URL", "DEMO_SILK", "DEMO_PROMETHEUS"):
                    if var not in overrides:
                        env.pop(var, None)
                cmd = [sys.executable, __file__, "--worker", "--path", args.path,
                       "--requests", str(args.requests), "--warmup", str(args.warmup)]
                if otel:
                    env.update(OTEL_SERVICE_NAME="django-demo-bench", OTEL_TRACES_EXPORTER="otlp",
                               OTEL_METRICS_EXPORTER="none", OTEL_LOGS_EXPORTER="none",
                               OTEL_EXPORTER_OTLP_PROTOCOL="http/protobuf",
                               OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{sink_port}")
                    cmd = [str(bindir / "opentelemetry-instrument")] + cmd
                out = subprocess.run(cmd, cwd=HERE, env=env, capture_output=True, text=True, timeout=600)
                if out.returncode != 0:
                    raise SystemExit(f"{name} failed:\n{out.stderr[-2000:]}")
                results[name].append(json.loads(out.stdout.strip().splitlines()[-1]))
                last = results[name][-1]
                print(f"round {rnd + 1}/{args.rounds} {name:32s} {last['rps']:6.0f} req/s {last['cpu_us']:7.0f} CPU us/req",
                      file=sys.stderr)
    finally:
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)

    def med(name, key):
        return statistics.median(r[key] for r in results[name])

    base_rps, base_cpu = med(CONFIGS[0][0], "rps"), med(CONFIGS[0][0], "cpu_us")
    print(f"\nview {args.path}, {args.requests} requests x {args.rounds} rounds (median), in-process WSGI, SQLite + LocMem")
    print(f"{'configuration':32s} {'req/s':>7s} {'x base':>7s} {'CPU us/req':>10s} {'x base':>7s} {'+CPU us':>8s} {'p50 us':>7s} {'p99 us':>7s}")
    for name, _, _ in CONFIGS:
        rps, cpu = med(name, "rps"), med(name, "cpu_us")
        print(f"{name:32s} {rps:7.0f} {rps / base_rps:7.2f} {cpu:10.0f} {cpu / base_cpu:7.2f} {cpu - base_cpu:8.0f}"
              f" {med(name, 'p50_us'):7.0f} {med(name, 'p99_us'):7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
