"""scripts/record-otlp.py: stores bodies with Content-Encoding undone, answers 200 with an empty body."""

import gzip
import importlib.util
import json
import threading
import urllib.request
import zlib
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "record-otlp.py"


@pytest.fixture
def recorder(tmp_path):
    spec = importlib.util.spec_from_file_location("record_otlp", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    store = mod.Store(str(tmp_path), discard=False)
    server = ThreadingHTTPServer(("127.0.0.1", 0), mod.make_handler(store))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", tmp_path
    server.shutdown()
    server.server_close()


def post(url, body, encoding=None, path="/v1/traces"):
    headers = {"Content-Type": "application/x-protobuf"}
    if encoding:
        headers["Content-Encoding"] = encoding
    req = urllib.request.Request(url + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


@pytest.mark.parametrize("encoding,encode", [
    (None, lambda b: b),
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),  # what the OTel Python exporter sends for "deflate"
])
def test_saves_decoded_body_and_headers(recorder, encoding, encode):
    url, out = recorder
    payload = b"\x0a\x03abc" * 50
    assert post(url, encode(payload), encoding) == (200, b"")
    assert (out / "001.pb").read_bytes() == payload
    meta = json.loads((out / "001.json").read_text())
    assert meta["headers"]["content-type"] == "application/x-protobuf"
    assert meta["body_bytes"] == len(payload)


def test_numbers_files_in_arrival_order_and_reports_count(recorder):
    url, out = recorder
    for body in (b"one", b"two"):
        post(url, body)
    assert [(out / n).read_bytes() for n in ("001.pb", "002.pb")] == [b"one", b"two"]
    with urllib.request.urlopen(url + "/stats") as resp:
        assert json.load(resp) == {"requests": 2}


def test_rejects_other_paths_and_bad_encodings(recorder):
    url, out = recorder
    assert post(url, b"x", path="/v1/metrics")[0] == 404
    assert post(url, b"not gzip", "gzip")[0] == 400
    assert list(out.iterdir()) == []
