"""Per-request cost of hotpath-django, measured with Django's test client.

Each configuration runs in its own subprocess (OpenTelemetry's global provider can be set only
once per process): Django with SQLite in memory, LocMem cache, four stock middleware, and two
views: /plain/ (middleware only) and /page/ (3 queries, 2 cache calls, a template with 10
includes). "sdk" configurations use the real SDK, the official Django and sqlite3
instrumentations, and a SimpleSpanProcessor with an exporter that drops spans, so the figures
include span creation and processing but no I/O.

    python services/hotpath-django/bench_overhead.py [--requests 300] [--repeats 10]

The configurations run side by side and are measured round-robin. The figure is the CPU time of
the process per request (time.process_time), not wall time: on a shared machine other processes'
load inflates wall time by several times but hardly changes CPU time. Prints, per view and
configuration, CPU microseconds per request (min and median over rounds), the spans per request,
and the difference hotpath-django makes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

URLS = ("/plain/", "/page/")
CONFIGS = [
    ("api-only", False, False),
    ("api-only+hotpath", False, True),
    ("sdk", True, False),
    ("sdk+hotpath", True, True),
    ("sdk+hotpath+capture", True, "capture"),
]
SECRET = "bench-secret"

TEMPLATES = {
    "page.html": "<ul>{% for i in items %}{% include 'item.html' %}{% endfor %}</ul>",
    "item.html": "<li>{{ i }}</li>",
}


def child(use_sdk: bool, hotpath: object) -> None:
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path

    counter = {"spans": 0}
    if use_sdk:
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter, SpanExportResult

        class Drop(SpanExporter):
            def export(self, spans):
                counter["spans"] += len(spans)
                return SpanExportResult.SUCCESS

        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(Drop()))
        trace.set_tracer_provider(provider)

    def plain(request):
        return HttpResponse("ok")

    def page(request):
        from django.core.cache import cache
        from django.db import connection
        from django.shortcuts import render

        cache.get("page:menu")
        cache.set("page:menu", "m", 30)
        with connection.cursor() as cursor:
            for pk in (1, 2, 3):
                cursor.execute("SELECT %s", [pk])
        return render(request, "page.html", {"items": range(10)})

    module = sys.modules[__name__]
    module.urlpatterns = [path("plain/", plain), path("page/", page)]
    apps = ["hotpath_django"] if hotpath else []
    settings.configure(
        SECRET_KEY="bench", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF=__name__, INSTALLED_APPS=apps,
        MIDDLEWARE=["django.middleware.security.SecurityMiddleware", "django.middleware.common.CommonMiddleware",
                    "django.middleware.clickjacking.XFrameOptionsMiddleware",
                    "django.middleware.http.ConditionalGetMiddleware"],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates",
                    "OPTIONS": {"loaders": [("django.template.loaders.locmem.Loader", TEMPLATES)]}}],
        HOTPATH_DJANGO={"CAPTURE_SECRET": SECRET},
    )
    if use_sdk:
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor

        DjangoInstrumentor().instrument()
        SQLite3Instrumentor().instrument()
    django.setup()
    from django.test import Client

    client = Client()
    headers = {"HTTP_X_HOTPATH_CAPTURE": SECRET} if hotpath == "capture" else {}
    for url in ("/plain/", "/page/"):
        for _ in range(200):  # warm-up: template cache, connection, code paths
            client.get(url, **headers)
    print("ready", flush=True)
    # Line protocol with the parent: "<url> <n>" -> JSON {us, spans}; EOF ends the child.
    for line in sys.stdin:
        url, n = line.split()
        counter["spans"] = 0
        start = time.process_time()
        for _ in range(int(n)):
            client.get(url, **headers)
        elapsed = time.process_time() - start
        print(json.dumps({"us": elapsed / int(n) * 1e6, "spans": counter["spans"] / int(n)}), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per cell and round")
    parser.add_argument("--repeats", type=int, default=10, help="rounds")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        use_sdk, hotpath = json.loads(args.child)
        child(use_sdk, hotpath)
        return

    children = {}
    for name, use_sdk, hotpath in CONFIGS:
        children[name] = subprocess.Popen(
            [sys.executable, __file__, "--child", json.dumps([use_sdk, hotpath])],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert children[name].stdout.readline().strip() == "ready"

    # Round-robin so that load from other processes hits every configuration alike; the minimum
    # over rounds is the figure least disturbed by it (as timeit does), the median is shown too.
    samples = {(name, url): [] for name in children for url in URLS}
    spans = {}
    for _ in range(args.repeats):
        for name, proc in children.items():
            for url in URLS:
                proc.stdin.write(f"{url} {args.requests}\n")
                proc.stdin.flush()
                cell = json.loads(proc.stdout.readline())
                samples[(name, url)].append(cell["us"])
                spans[(name, url)] = cell["spans"]
    for proc in children.values():
        proc.stdin.close()
        proc.wait()

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.requests} requests x {args.repeats} rounds per cell; CPU us/request as min (median);"
          f" load average {load} on {os.cpu_count()} CPUs")
    for url in URLS:
        print(f"\n{url}")
        for name, _sdk, _hp in CONFIGS:
            base_name = "sdk" if name.startswith("sdk") else "api-only"
            best = min(samples[(name, url)])
            median = statistics.median(samples[(name, url)])
            line = f"  {name:22s} {best:8.0f} ({median:6.0f}) us  {spans[(name, url)]:5.1f} spans"
            if name != base_name:
                base = min(samples[(base_name, url)])
                extra_spans = spans[(name, url)] - spans[(base_name, url)]
                line += f"   +{best - base:.0f} us vs {base_name}"
                if extra_spans > 0 and "capture" not in name:
                    line += f" = {(best - base) / extra_spans:.0f} us per extra span"
            print(line)


if __name__ == "__main__":
    main()
