"""Process-wide state of the instrumentation and the span helpers every wrapper uses.

Wrappers installed into Django stay in place after uninstrument() (a middleware chain or a cache
object built earlier keeps them), so each wrapper consults the flags here on every call and falls
through to the original when its feature is off.
"""

from __future__ import annotations

import logging
import os
from typing import Any, Callable, Mapping, Optional, Tuple

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import NoOpTracerProvider, ProxyTracerProvider, Span, SpanKind, Status, StatusCode

from . import conventions as conv
from .options import Options

log = logging.getLogger("hotpath_django")


class Runtime:
    def __init__(self) -> None:
        self.instrumented = False
        self.options = Options(enabled=False)
        self.middleware = False
        self.templates = False
        self.cache = False
        self.view_path = False
        self.params_hash = False
        self.capture_secret: Optional[bytes] = None
        self.capture_meta_key = Options().capture_meta_key
        self.tracer: trace.Tracer = trace.get_tracer(conv.SCOPE)
        self.explicit_provider = False
        # Per-process random key: hashes are comparable within one process (one request always is)
        # but cannot be reversed by hashing guessed values offline.
        self.hmac_key = os.urandom(32)

    def apply(self, options: Options, tracer_provider: Any = None) -> None:
        from . import __version__

        self.options = options
        self.middleware = options.middleware_spans
        self.templates = options.template_spans
        self.cache = options.cache_spans
        self.view_path = options.view_path
        self.params_hash = options.params_hash
        self.capture_secret = options.resolved_secret()
        self.capture_meta_key = options.capture_meta_key
        self.tracer = trace.get_tracer(conv.SCOPE, __version__, tracer_provider=tracer_provider)
        self.explicit_provider = tracer_provider is not None
        self.instrumented = True

    def reset(self) -> None:
        key = self.hmac_key
        self.__init__()
        self.hmac_key = key


RUNTIME = Runtime()
_NO_SDK = (ProxyTracerProvider, NoOpTracerProvider)


def tracing_on() -> bool:
    """False while no SDK provider is installed (API only): wrappers then skip all their work.

    Checked per call, not cached, because the SDK may be configured after Django has started.
    """
    return RUNTIME.explicit_provider or not isinstance(trace.get_tracer_provider(), _NO_SDK)

Token = Tuple[Span, Optional[object]]


def start_span(name: str, attributes: Mapping[str, Any]) -> Optional[Token]:
    """Start an INTERNAL span and make it current; None if that failed (never raise into the app)."""
    try:
        span = RUNTIME.tracer.start_span(name, kind=SpanKind.INTERNAL, attributes=attributes)
        if not span.is_recording():
            # No SDK, or sampled out: nothing will be exported, so skip making it current (the
            # attach/detach pair is most of the no-op cost; children fall back to our parent).
            return span, None
        return span, otel_context.attach(trace.set_span_in_context(span))
    except Exception:  # pragma: no cover - defensive
        log.debug("hotpath_django: could not start span %s", name, exc_info=True)
        return None


def end_span(token: Optional[Token], exc: Optional[BaseException] = None) -> None:
    if token is None:
        return
    span, ctx_token = token
    try:
        if isinstance(exc, Exception):
            span.record_exception(exc)
            span.set_status(Status(StatusCode.ERROR, f"{type(exc).__name__}: {exc}"))
        if ctx_token is not None:
            otel_context.detach(ctx_token)
        span.end()
    except Exception:  # pragma: no cover - defensive
        log.debug("hotpath_django: could not end span", exc_info=True)


def call_in_span(name: str, attributes: Mapping[str, Any], fn: Callable, args: tuple, kwargs: dict) -> Any:
    token = start_span(name, attributes)
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:
        end_span(token, exc)
        raise
    end_span(token)
    return result


async def acall_in_span(name: str, attributes: Mapping[str, Any], fn: Callable, args: tuple, kwargs: dict) -> Any:
    token = start_span(name, attributes)
    try:
        result = await fn(*args, **kwargs)
    except BaseException as exc:
        end_span(token, exc)
        raise
    end_span(token)
    return result


def has_active_span() -> bool:
    return trace.get_current_span().get_span_context().is_valid
