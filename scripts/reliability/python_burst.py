"""A burst of OTLP/gRPC exports from the real OpenTelemetry Python exporter, the one Django apps use
by default, from several threads at once. The exporter retries RESOURCE_EXHAUSTED after the delay
in the server's RetryInfo trailer (up to 6 attempts within its timeout). Prints the accounting as
JSON: spans and requests the exporter reported exported, and spans it reported failed.

usage: python_burst.py ENDPOINT THREADS BATCHES REQUESTS_PER_BATCH SPANS_PER_REQUEST SERVICE
"""
import json
import sys
import threading

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def record_batches(service, batches, requests, spans_per_request):
    memory = InMemorySpanExporter()
    provider = TracerProvider(resource=Resource.create({"service.name": service, "service.version": "1"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    tracer = provider.get_tracer("opentelemetry.instrumentation.django")
    out = []
    for b in range(batches):
        memory.clear()
        for r in range(requests):
            route = f"py/{(b + r) % 7}/"
            with tracer.start_as_current_span(f"GET {route}", kind=trace.SpanKind.SERVER,
                                              attributes={"http.request.method": "GET", "http.route": route,
                                                          "http.response.status_code": 200}):
                for q in range(spans_per_request - 1):
                    with tracer.start_as_current_span("SELECT", kind=trace.SpanKind.CLIENT,
                                                      attributes={"db.system": "postgresql",
                                                                  "db.statement": f'SELECT "t{q}"."id" FROM "t{q}"'}):
                        pass
        out.append(list(memory.get_finished_spans()))
    return out


def main():
    endpoint, threads, batches, requests, spans_per_request, service = sys.argv[1:7]
    threads, batches, requests, spans_per_request = int(threads), int(batches), int(requests), int(spans_per_request)
    work = [record_batches(service, batches, requests, spans_per_request) for _ in range(threads)]
    totals = {"ok_spans": 0, "failed_spans": 0, "ok_requests": 0, "sent_spans": 0}
    lock = threading.Lock()

    def run(mine):
        exporter = OTLPSpanExporter(endpoint=endpoint, insecure=True, timeout=10)
        for spans in mine:
            result = exporter.export(spans)
            with lock:
                totals["sent_spans"] += len(spans)
                if result is SpanExportResult.SUCCESS:
                    totals["ok_spans"] += len(spans)
                    totals["ok_requests"] += requests
                else:
                    totals["failed_spans"] += len(spans)
        exporter.shutdown()

    workers = [threading.Thread(target=run, args=(w,)) for w in work]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    print(json.dumps(totals))


if __name__ == "__main__":
    main()
