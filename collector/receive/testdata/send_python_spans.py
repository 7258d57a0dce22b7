"""Sends Django-shaped spans to Hotpath with the real OpenTelemetry Python SDK and OTLP exporters,
then prints what was sent as JSON so the calling test can compare it with what arrived.

usage: send_python_spans.py {http,grpc} ENDPOINT {none,gzip,deflate} SERVICE
"""
import json
import sys
import time

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter


def make_exporter(protocol, endpoint, compression):
    if protocol == "http":
        from opentelemetry.exporter.otlp.proto.http import Compression
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        comp = {"none": Compression.NoCompression, "gzip": Compression.Gzip, "deflate": Compression.Deflate}[compression]
        return OTLPSpanExporter(endpoint=endpoint, compression=comp, timeout=10)
    import grpc
    from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter

    comp = {"none": grpc.Compression.NoCompression, "gzip": grpc.Compression.Gzip}[compression]
    return OTLPSpanExporter(endpoint=endpoint, insecure=True, compression=comp, timeout=10)


class Recording:
    """Wraps the exporter so a failed export makes the script fail instead of passing silently."""

    def __init__(self, inner):
        self.inner = inner
        self.failures = 0

    def export(self, spans):
        result = self.inner.export(spans)
        if result is not SpanExportResult.SUCCESS:
            self.failures += 1
        return result

    def shutdown(self):
        self.inner.shutdown()

    def force_flush(self, timeout_millis=30000):
        return True


def main():
    protocol, endpoint, compression, service = sys.argv[1:5]
    memory = InMemorySpanExporter()
    exporter = Recording(make_exporter(protocol, endpoint, compression))
    provider = TracerProvider(resource=Resource.create({"service.name": service, "service.version": "2.0.0",
                                                        "deployment.environment.name": "test"}))
    provider.add_span_processor(SimpleSpanProcessor(memory))
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracer = provider.get_tracer("opentelemetry.instrumentation.django")
    db_tracer = provider.get_tracer("opentelemetry.instrumentation.psycopg")
    t0 = time.time_ns() - 2_000_000_000
    root = tracer.start_span("GET shop/books/", kind=trace.SpanKind.SERVER, start_time=t0, attributes={
        "http.method": "GET", "http.route": "shop/books/", "http.status_code": 500,
        "http.target": "/shop/books/?email=secret@example.com",
    })
    root.record_exception(ValueError("boom"))
    ctx = trace.set_span_in_context(root)
    for i in range(5):
        q = db_tracer.start_span("SELECT", kind=trace.SpanKind.CLIENT, context=ctx, start_time=t0 + 1_000_000 * (i + 1),
                                 attributes={"db.system": "postgresql", "db.name": "test",
                                             "db.statement": 'SELECT "shop_book"."id" FROM "shop_book" WHERE "shop_book"."author_id" = %s',
                                             "db.statement.parameters": f"({i},)"})
        q.end(end_time=t0 + 1_000_000 * (i + 1) + 123_457)
    name = "caf\u00e9 \U0001F600 span"
    other = tracer.start_span(name, kind=trace.SpanKind.INTERNAL, context=ctx, start_time=t0 + 9_000_001)
    other.end(end_time=t0 + 9_500_003)
    root.end(end_time=t0 + 20_000_009)
    provider.shutdown()
    out = []
    for s in memory.get_finished_spans():
        out.append({
            "trace_id": format(s.context.trace_id, "032x"),
            "span_id": format(s.context.span_id, "016x"),
            "parent_span_id": format(s.parent.span_id, "016x") if s.parent else "",
            "name": s.name,
            "kind": s.kind.value + 1,
            "start": str(s.start_time),
            "end": str(s.end_time),
            "route": s.attributes.get("http.route", ""),
            "statement": s.attributes.get("db.statement", ""),
            "status_code": s.status.status_code.value,
        })
    print(json.dumps({"spans": out, "failures": exporter.failures}))
    return 1 if exporter.failures else 0


if __name__ == "__main__":
    sys.exit(main())
