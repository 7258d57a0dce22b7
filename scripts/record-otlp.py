#!/usr/bin/env python3
"""Records the OTLP trace exports an application sends, byte for byte, for use as test fixtures.

  record-otlp.py --out DIR [--host 127.0.0.1] [--port 4318] [--grpc-port N] [--discard]

HTTP (stdlib only): POST /v1/traces bodies are stored as DIR/NNN.pb after undoing Content-Encoding
(gzip, or deflate, which the OTel Python exporter sends zlib-wrapped) with DIR/NNN.json holding the
request's headers, path, raw and decoded sizes and arrival time. It answers 200 with an empty body,
which both OTLP/HTTP exporters read as full success.

--grpc-port additionally serves OTLP/gRPC (needs grpcio, e.g. the demo's venv) and stores each
ExportTraceServiceRequest the same way, so the SDK's default protocol can be checked too.
--discard counts requests without writing them (a sink for benchmarks).

Prints "listening http=PORT [grpc=PORT]" once ready (port 0 picks a free one) and, on SIGTERM or
SIGINT, a summary line; GET /stats answers {"requests": N} for scripts that wait for exports.
"""

import argparse
import gzip
import json
import os
import signal
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Store:
    def __init__(self, out, discard):
        self.out = out
        self.discard = discard
        self.lock = threading.Lock()
        self.count = 0
        if out and not discard:
            os.makedirs(out, exist_ok=True)
            # Continue numbering after files already present so a restart never overwrites.
            taken = [int(n[:-3]) for n in os.listdir(out) if n.endswith(".pb") and n[:-3].isdigit()]
            self.count = max(taken, default=0)

    def save(self, body, meta):
        with self.lock:
            self.count += 1
            seq = self.count
            if self.discard:
                return seq
            base = os.path.join(self.out, f"{seq:03d}")
            with open(base + ".pb", "wb") as fh:
                fh.write(body)
            with open(base + ".json", "w") as fh:
                json.dump(meta, fh, indent=2, sort_keys=True)
                fh.write("\n")
        return seq


def decode_body(raw, encoding):
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding == "gzip":
        return gzip.decompress(raw)
    if encoding == "deflate":
        try:
            return zlib.decompress(raw)
        except zlib.error:
            return zlib.decompress(raw, -zlib.MAX_WBITS)  # raw deflate from other exporters
    raise ValueError(f"unsupported Content-Encoding {encoding!r}")


def make_handler(store):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, status, body=b"", ctype="application/x-protobuf"):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/stats":
                self._reply(200, json.dumps({"requests": store.count}).encode(), "application/json")
            else:
                self._reply(404)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path.split("?")[0] != "/v1/traces":
                self._reply(404)
                return
            try:
                body = decode_body(raw, self.headers.get("Content-Encoding"))
            except (ValueError, OSError, zlib.error) as exc:
                self._reply(400, str(exc).encode(), "text/plain")
                return
            store.save(body, {
                "transport": "http",
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "wire_bytes": len(raw),
                "body_bytes": len(body),
                "received_unix_ms": int(time.time() * 1000),
            })
            self._reply(200)

        def log_message(self, *args):
            pass

    return Handler


def start_grpc(store, host, port):
    import grpc  # only needed for --grpc-port
    from concurrent import futures

    def export(request_bytes, context):
        meta = {k: v for k, v in context.invocation_metadata() if not k.endswith("-bin")}
        store.save(request_bytes, {
            "transport": "grpc",
            "path": "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
            "headers": meta,
            "wire_bytes": len(request_bytes),
            "body_bytes": len(request_bytes),
            "received_unix_ms": int(time.time() * 1000),
        })
        return b""  # an empty ExportTraceServiceResponse encodes to zero bytes

    # No (de)serializers: the handler sees the exact protobuf bytes the exporter sent.
    handler = grpc.method_handlers_generic_handler(
        "opentelemetry.proto.collector.trace.v1.TraceService",
        {"Export": grpc.unary_unary_rpc_method_handler(export)},
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    bound = server.add_insecure_port(f"{host}:{port}")
    server.start()
    return server, bound


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="directory for NNN.pb / NNN.json (required unless --discard)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=4318)
    ap.add_argument("--grpc-port", type=int, default=None)
    ap.add_argument("--discard", action="store_true")
    args = ap.parse_args(argv)
    if not args.out and not args.discard:
        ap.error("--out is required unless --discard")

    store = Store(args.out, args.discard)
    httpd = ThreadingHTTPServer((args.host, args.port), make_handler(store))
    httpd.daemon_threads = True
    grpc_server, grpc_port = (None, None)
    if args.grpc_port is not None:
        grpc_server, grpc_port = start_grpc(store, args.host, args.grpc_port)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    print(f"listening http={httpd.server_address[1]}" + (f" grpc={grpc_port}" if grpc_server else ""), flush=True)
    stop.wait()
    httpd.shutdown()
    if grpc_server:
        grpc_server.stop(grace=1)
    print(f"recorded {store.count} export request(s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
