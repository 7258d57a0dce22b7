"""The request side: view path on the request span, and opt-in deep capture.

Patches on django.core.handlers.base.BaseHandler (shared by WSGI, ASGI and the test client):

* get_response / get_response_async: decide once per request whether it carries the capture header
  with the configured secret (constant-time comparison), and remember that in a context variable
  for the DB and profiling code. Requests without a secret configured never look at the header.
* resolve_request: right after URL resolution, put the view's dotted path on the request span.
* make_view_atomic: in capture mode, run the (sync) view under cProfile and add the top functions as
  a span event on the request span.
"""

from __future__ import annotations

import cProfile
import hmac
import json
import os
import pstats
from contextvars import ContextVar
from typing import Any, Optional

from asgiref.sync import iscoroutinefunction
from opentelemetry import trace

from . import conventions as conv
from ._runtime import RUNTIME, log

# Where opentelemetry-instrumentation-django keeps the request span (otel_middleware.py); the
# current span may be one of our middleware __call__ spans instead, so this is looked up first.
_OTEL_SPAN_KEY = "opentelemetry-instrumentor-django.span_key"


class _Capture:
    __slots__ = ("span",)

    def __init__(self) -> None:
        self.span: Any = None


_CAPTURE: ContextVar[Optional[_Capture]] = ContextVar("hotpath_capture", default=None)


def capturing() -> bool:
    return _CAPTURE.get() is not None


def wants_capture(request: Any) -> bool:
    secret = RUNTIME.capture_secret
    if not secret:
        return False
    try:
        offered = request.META.get(RUNTIME.capture_meta_key)
        if not offered:
            return False
        offered = str(offered)
        try:  # WSGI and ASGI both decode header bytes as latin-1: this recovers the raw bytes
            raw = offered.encode("latin-1")
        except UnicodeEncodeError:
            raw = offered.encode("utf-8", "surrogateescape")
        return hmac.compare_digest(raw, secret)
    except Exception:  # pragma: no cover - defensive
        return False


def request_span(request: Any) -> Any:
    span = getattr(request, "META", {}).get(_OTEL_SPAN_KEY)
    if span is not None and hasattr(span, "set_attribute"):
        return span
    return trace.get_current_span()


_originals: dict = {}


def _get_response(self: Any, request: Any) -> Any:
    original = _originals["get_response"]
    if not (RUNTIME.instrumented and wants_capture(request)):
        return original(self, request)
    token = _CAPTURE.set(_Capture())
    try:
        return original(self, request)
    finally:
        _CAPTURE.reset(token)


async def _get_response_async(self: Any, request: Any) -> Any:
    original = _originals["get_response_async"]
    if not (RUNTIME.instrumented and wants_capture(request)):
        return await original(self, request)
    token = _CAPTURE.set(_Capture())
    try:
        return await original(self, request)
    finally:
        _CAPTURE.reset(token)


def _resolve_request(self: Any, request: Any) -> Any:
    match = _originals["resolve_request"](self, request)
    state = _CAPTURE.get()
    if not (RUNTIME.view_path or state is not None):
        return match
    try:
        span = request_span(request)
        if RUNTIME.view_path:
            view = getattr(match, "_func_path", None)
            if view:
                span.set_attribute(conv.VIEW, view)
                span.set_attribute(conv.CODE_FUNCTION_NAME, view)
        if state is not None:
            state.span = span
            span.set_attribute(conv.CAPTURE, True)
    except Exception:  # pragma: no cover - defensive
        log.debug("hotpath_django: could not annotate request span", exc_info=True)
    return match


def summarise_profile(profile: cProfile.Profile, top_n: int) -> str:
    """Top-N functions by cumulative time as compact JSON: [{fn, calls, cum_ms, self_ms}, ...]."""
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]
    rows = sorted(stats.items(), key=lambda item: item[1][3], reverse=True)[:top_n]
    out = []
    for (filename, line, func), (_cc, calls, self_time, cum_time, _callers) in rows:
        where = "/".join(filename.replace(os.sep, "/").split("/")[-2:]) if filename != "~" else ""
        out.append({"fn": f"{where}:{line}({func})" if where else func, "calls": calls,
                    "cum_ms": round(cum_time * 1000, 3), "self_ms": round(self_time * 1000, 3)})
    return json.dumps(out, separators=(",", ":"))


def _profiled(view: Any, state: _Capture) -> Any:
    def profiled_view(*args: Any, **kwargs: Any) -> Any:
        profile = cProfile.Profile()
        try:
            profile.enable()
        except ValueError:  # another profiler is active in this thread
            return view(*args, **kwargs)
        try:
            return view(*args, **kwargs)
        finally:
            profile.disable()
            try:
                span = state.span if state.span is not None else trace.get_current_span()
                span.add_event(conv.PROFILE_EVENT,
                               {conv.PROFILE_TOP: summarise_profile(profile, RUNTIME.options.profile_top_n)})
            except Exception:  # pragma: no cover - defensive
                log.debug("hotpath_django: could not summarise profile", exc_info=True)

    return profiled_view


def _make_view_atomic(self: Any, view: Any) -> Any:
    wrapped = _originals["make_view_atomic"](self, view)
    state = _CAPTURE.get()
    if state is None or iscoroutinefunction(wrapped):
        return wrapped
    return _profiled(wrapped, state)


_PATCHES = {
    "get_response": _get_response,
    "get_response_async": _get_response_async,
    "resolve_request": _resolve_request,
    "make_view_atomic": _make_view_atomic,
}


def install() -> None:
    from django.core.handlers.base import BaseHandler

    for name, replacement in _PATCHES.items():
        if name not in _originals:
            _originals[name] = getattr(BaseHandler, name)
            setattr(BaseHandler, name, replacement)


def uninstall() -> None:
    from django.core.handlers.base import BaseHandler

    for name in list(_originals):
        setattr(BaseHandler, name, _originals.pop(name))
