"""One span per middleware hook.

Django builds its middleware chain once, in BaseHandler.load_middleware, by importing each entry of
settings.MIDDLEWARE and calling it with the next handler. We swap the module's import_string for the
duration of that call so each imported factory is replaced by one that instruments the instance it
builds:

* the hooks Django or MiddlewareMixin call (process_request, process_view, process_template_response,
  process_exception, process_response) are wrapped on the instance;
* ``__call__`` gets a span only when the middleware defines its own (new-style class or function
  middleware). MiddlewareMixin's generic __call__ only runs the hooks and the rest of the chain,
  so a span for it would hold no time of its own and would just double the span count.

A ``__call__`` span contains the rest of the chain and the view; the collector derives each
middleware's self time by subtracting child spans (CONVENTIONS.md).
"""

from __future__ import annotations

from typing import Any, Callable

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from . import conventions as conv
from ._runtime import RUNTIME, acall_in_span, call_in_span, has_active_span, tracing_on

HOOKS = ("process_request", "process_view", "process_template_response", "process_exception",
         "process_response")
_OTEL_PREFIX = "opentelemetry."

_original_load_middleware: Any = None


def _should_trace(require_parent: bool) -> bool:
    # With OTel's Django middleware in the stack, a request without a current span is one it chose
    # not to trace (excluded URL): adding root spans of our own would defeat that exclusion.
    return RUNTIME.middleware and tracing_on() and (not require_parent or has_active_span())


def _wrap_hook(fn: Callable, path: str, hook: str, require_parent: bool) -> Callable:
    name = conv.middleware_span_name(path, hook)
    attrs = {conv.KIND: conv.KIND_MIDDLEWARE, conv.MIDDLEWARE_CLASS: path, conv.MIDDLEWARE_HOOK: hook}

    if iscoroutinefunction(fn):
        async def async_hook(*args: Any, **kwargs: Any) -> Any:
            if not _should_trace(require_parent):
                return await fn(*args, **kwargs)
            return await acall_in_span(name, attrs, fn, args, kwargs)

        return markcoroutinefunction(async_hook)

    def sync_hook(*args: Any, **kwargs: Any) -> Any:
        if not _should_trace(require_parent):
            return fn(*args, **kwargs)
        return call_in_span(name, attrs, fn, args, kwargs)

    return sync_hook


class _CallProxy:
    """Stands in for a middleware instance whose own __call__ we time; everything else delegates."""

    def __init__(self, inner: Any, path: str, require_parent: bool) -> None:
        self._hp_inner = inner
        self._hp_require_parent = require_parent
        self._hp_name = conv.middleware_span_name(path, "__call__")
        self._hp_attrs = {conv.KIND: conv.KIND_MIDDLEWARE, conv.MIDDLEWARE_CLASS: path,
                          conv.MIDDLEWARE_HOOK: "__call__"}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._hp_inner, name)

    def __call__(self, request: Any) -> Any:
        if not _should_trace(self._hp_require_parent):
            return self._hp_inner(request)
        return call_in_span(self._hp_name, self._hp_attrs, self._hp_inner, (request,), {})


class _AsyncCallProxy(_CallProxy):
    async def __call__(self, request: Any) -> Any:  # type: ignore[override]
        if not _should_trace(self._hp_require_parent):
            return await self._hp_inner(request)
        return await acall_in_span(self._hp_name, self._hp_attrs, self._hp_inner, (request,), {})


def _defines_own_call(inner: Any) -> bool:
    from django.utils.deprecation import MiddlewareMixin

    return getattr(type(inner), "__call__", None) is not MiddlewareMixin.__call__


def instrument_instance(inner: Any, path: str, require_parent: bool) -> Any:
    for hook in HOOKS:
        fn = getattr(inner, hook, None)
        if callable(fn):
            try:
                setattr(inner, hook, _wrap_hook(fn, path, hook, require_parent))
            except (AttributeError, TypeError):  # __slots__ or a read-only attribute
                pass
    if not _defines_own_call(inner):
        return inner
    if iscoroutinefunction(inner):
        return markcoroutinefunction(_AsyncCallProxy(inner, path, require_parent))
    return _CallProxy(inner, path, require_parent)


class _Factory:
    """Replaces a middleware factory (class or function) while load_middleware runs."""

    def __init__(self, path: str, factory: Any, require_parent: bool) -> None:
        self.path = path
        self.factory = factory
        self.require_parent = require_parent
        # load_middleware reads these to decide sync/async adaptation; keep the original's answer.
        self.sync_capable = getattr(factory, "sync_capable", True)
        self.async_capable = getattr(factory, "async_capable", False)

    def __call__(self, get_response: Any) -> Any:
        inner = self.factory(get_response)  # MiddlewareNotUsed propagates as Django expects
        if inner is None:
            return inner
        try:
            return instrument_instance(inner, self.path, self.require_parent)
        except Exception:  # pragma: no cover - defensive: never break start-up
            return inner


def _load_middleware(self: Any, is_async: bool = False) -> Any:
    if not RUNTIME.middleware:
        return _original_load_middleware(self, is_async)
    from django.conf import settings
    from django.core.handlers import base

    paths = list(settings.MIDDLEWARE)
    otel_at = next((i for i, p in enumerate(paths) if p.startswith(_OTEL_PREFIX)), None)
    # Middleware up to and including OTel's own run outside the request span: spans there would
    # become trace roots and demote Django's SERVER span to INTERNAL.
    outside = set(paths[: otel_at + 1]) if otel_at is not None else set()
    require_parent = otel_at is not None
    original_import = base.import_string

    def importing(path: str) -> Any:
        obj = original_import(path)
        return obj if path in outside else _Factory(path, obj, require_parent)

    base.import_string = importing
    try:
        return _original_load_middleware(self, is_async)
    finally:
        base.import_string = original_import


def install() -> None:
    global _original_load_middleware
    from django.core.handlers.base import BaseHandler

    if _original_load_middleware is None:
        _original_load_middleware = BaseHandler.load_middleware
        BaseHandler.load_middleware = _load_middleware


def uninstall() -> None:
    global _original_load_middleware
    from django.core.handlers.base import BaseHandler

    if _original_load_middleware is not None:
        BaseHandler.load_middleware = _original_load_middleware
        _original_load_middleware = None
