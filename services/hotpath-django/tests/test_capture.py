import json

from django.db import connection
from opentelemetry.trace import SpanKind

from conftest import CAPTURE_SECRET

HEADER = "HTTP_X_HOTPATH_CAPTURE"


def db_spans(spans):
    return [s for s in spans.all() if s.kind is SpanKind.CLIENT and "hp_testapp_item" in s.attributes.get("db.statement", "")]


def everything_exported(spans):
    text = []
    for span in spans.all():
        text.append(span.name)
        text.extend(f"{k}={v}" for k, v in span.attributes.items())
        for event in span.events:
            text.extend(f"{k}={v}" for k, v in event.attributes.items())
    return "\n".join(text)


def test_right_secret_turns_on_capture_params_and_profile(client, spans):
    assert client.get("/queries/", **{HEADER: CAPTURE_SECRET}).status_code == 200
    request = spans.request_span()
    assert request.attributes["hotpath.capture"] is True
    params = [s.attributes["hotpath.db.params"] for s in db_spans(spans)]
    assert params == ["(1,)", "(1,)", "(2,)", "(3,)"]
    (event,) = [e for e in request.events if e.name == "hotpath.profile"]
    top = json.loads(event.attributes["hotpath.profile.top"])
    assert 0 < len(top) <= 15  # PROFILE_TOP_N in the test settings
    assert {"fn", "calls", "cum_ms", "self_ms"} <= set(top[0])
    # Only the view runs under the profiler, so the view itself has the largest cumulative time,
    # and its deliberately CPU-heavy helper is among the top functions.
    assert top[0]["fn"].startswith("hp_testapp/views.py:") and top[0]["fn"].endswith("(queries)")
    assert any("(_fib)" in row["fn"] for row in top)
    assert top == sorted(top, key=lambda row: row["cum_ms"], reverse=True)


def test_wrong_secret_captures_nothing(client, spans):
    client.get("/queries/", **{HEADER: CAPTURE_SECRET + "x"})
    request = spans.request_span()
    assert "hotpath.capture" not in request.attributes
    assert [e.name for e in request.events] == []
    assert all("hotpath.db.params" not in s.attributes for s in db_spans(spans))


def test_no_header_captures_nothing(client, spans):
    client.get("/queries/")
    assert "hotpath.capture" not in spans.request_span().attributes
    assert all("hotpath.db.params" not in s.attributes for s in db_spans(spans))


def test_header_is_ignored_when_no_secret_is_configured(client, spans, reconfigure, monkeypatch):
    monkeypatch.delenv("HOTPATH_DJANGO_CAPTURE_SECRET", raising=False)
    reconfigure(capture_secret="")
    client.get("/queries/", **{HEADER: ""})
    client.get("/queries/", **{HEADER: CAPTURE_SECRET})
    assert all("hotpath.capture" not in s.attributes for s in spans.all())
    assert all("hotpath.db.params" not in s.attributes for s in db_spans(spans))


def test_secret_can_come_from_the_environment(client, spans, reconfigure, monkeypatch):
    monkeypatch.setenv("HOTPATH_DJANGO_CAPTURE_SECRET", "from-env")
    reconfigure(capture_secret=None)
    client.get("/plain/", **{HEADER: "from-env"})
    assert spans.request_span().attributes["hotpath.capture"] is True


def test_capture_header_name_is_configurable(client, spans, reconfigure):
    reconfigure(capture_header="X-Deep-Trace")
    client.get("/plain/", **{HEADER: CAPTURE_SECRET})
    assert "hotpath.capture" not in spans.request_span().attributes
    spans.clear()
    client.get("/plain/", HTTP_X_DEEP_TRACE=CAPTURE_SECRET)
    assert spans.request_span().attributes["hotpath.capture"] is True


def test_non_ascii_secret_matches_the_header_bytes_a_server_would_see(client, spans, reconfigure):
    reconfigure(capture_secret="sécret")
    # WSGI servers hand headers over as latin-1-decoded text of the UTF-8 bytes on the wire.
    client.get("/plain/", **{HEADER: "sécret".encode("utf-8").decode("latin-1")})
    assert spans.request_span().attributes["hotpath.capture"] is True


def test_secret_never_appears_on_any_span(client, spans):
    client.get("/queries/", **{HEADER: CAPTURE_SECRET})
    client.get("/queries/", **{HEADER: CAPTURE_SECRET + "-wrong"})
    assert CAPTURE_SECRET not in everything_exported(spans)


def test_capture_state_does_not_leak_into_the_next_request(client, spans):
    client.get("/queries/", **{HEADER: CAPTURE_SECRET})
    spans.clear()
    client.get("/queries/")
    assert "hotpath.capture" not in spans.request_span().attributes
    assert all("hotpath.db.params" not in s.attributes for s in db_spans(spans))
    with connection.cursor() as cursor:  # and outside any request
        cursor.execute("SELECT %s", [1])
    assert all("hotpath.db.params" not in s.attributes for s in spans.all())
