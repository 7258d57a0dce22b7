from opentelemetry.trace import SpanKind

MIXIN = "hp_testapp.middleware.MixinMiddleware"
NEW_STYLE = "hp_testapp.middleware.NewStyleMiddleware"
FUNCTION = "hp_testapp.middleware.function_middleware"
COMMON = "django.middleware.common.CommonMiddleware"


def test_mixin_middleware_hooks_each_get_an_internal_span_with_class_and_hook(client, spans):
    assert client.get("/plain/").status_code == 200
    for hook in ("process_request", "process_view", "process_response"):
        span = spans.one(f"django.middleware {MIXIN}.{hook}")
        assert span.kind is SpanKind.INTERNAL
        assert span.attributes["hotpath.kind"] == "middleware"
        assert span.attributes["hotpath.middleware.class"] == MIXIN
        assert span.attributes["hotpath.middleware.hook"] == hook
    # MiddlewareMixin's generic __call__ has no time of its own: no span for it.
    assert spans.named(f"django.middleware {MIXIN}.__call__") == []


def test_process_request_and_response_spans_hang_off_the_django_request_span(client, spans):
    client.get("/plain/")
    request = spans.request_span()
    assert request.kind is SpanKind.SERVER and request.parent is None
    for hook in ("process_request", "process_response"):
        assert spans.parent_of(spans.one(f"django.middleware {MIXIN}.{hook}")) == request
    common = spans.one(f"django.middleware {COMMON}.process_request")
    assert spans.parent_of(common) == request


def test_own_call_middleware_span_contains_the_rest_of_the_chain(client, spans):
    client.get("/page/")
    new_style = spans.one(f"django.middleware {NEW_STYLE}.__call__")
    function = spans.one(f"django.middleware {FUNCTION}.__call__")
    assert spans.parent_of(new_style) == spans.request_span()
    assert spans.parent_of(function) == new_style
    # The view's template span runs inside the innermost middleware __call__.
    assert spans.parent_of(spans.one("django.template.render hp/page.html")) == function
    assert function.start_time >= new_style.start_time and function.end_time <= new_style.end_time


def test_opentelemetry_middleware_itself_is_not_wrapped(client, spans):
    client.get("/plain/")
    assert [s for s in spans.with_prefix("django.middleware opentelemetry.")] == []


def test_middleware_spans_can_be_switched_off(client, spans, reconfigure):
    reconfigure(middleware_spans=False)
    assert client.get("/plain/").status_code == 200
    assert spans.with_prefix("django.middleware ") == []
    assert spans.request_span() is not None


def test_middleware_keeps_its_behaviour_when_wrapped(client, spans):
    response = client.get("/plain/")
    assert response["X-Mixin"] == "1" and response["X-New-Style"] == "1"
