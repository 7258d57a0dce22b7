"""Keyed parameter hash (and, in capture mode, the parameters) on DB client spans.

The DB span is created by the driver instrumentation (sqlite3, psycopg, ...) *inside* Django's
execute path, after our code has run, so we cannot set the attribute on it directly. Instead:

1. a Django execute wrapper, installed on every connection, computes the hash and parks it in a
   context variable for the duration of that one execute() call;
2. a span processor registered on the SDK TracerProvider sets the attribute in ``on_start`` of the
   first CLIENT span started while a value is parked (the driver span starts right there, before
   it gets its own db.* attributes, so we match on kind and timing, not on attributes).

Without an SDK provider (no add_span_processor) nothing is emitted; registration is retried on each
query, so an SDK configured after Django started is picked up. Row counts are not recorded: the
driver span has ended before Django sees cursor.rowcount, and ended spans are read-only.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from contextvars import ContextVar
from typing import Any, Optional

from opentelemetry import trace
from opentelemetry.trace import SpanKind

from . import conventions as conv
from ._runtime import RUNTIME, log
from .capture import capturing

_PARAMS_REPR_MAX = 2048


class _Pending:
    __slots__ = ("params_hash", "params_repr", "used")

    def __init__(self, params_hash: Optional[str], params_repr: Optional[str]) -> None:
        self.params_hash = params_hash
        self.params_repr = params_repr
        self.used = False


_PENDING: ContextVar[Optional[_Pending]] = ContextVar("hotpath_db_pending", default=None)


def _canonical(params: Any, many: bool) -> Optional[str]:
    if params is None:
        return "None"
    if isinstance(params, dict):
        return repr(sorted(params.items(), key=lambda item: str(item[0])))
    if isinstance(params, (list, tuple)):
        if many:
            return repr(tuple(tuple(p) if isinstance(p, list) else p for p in params))
        return repr(tuple(params))
    if many:  # an iterator of parameter sets: reading it would consume it
        return None
    return repr(params)


def params_hash(params: Any, many: bool = False) -> Optional[str]:
    """HMAC-SHA256 of the parameters with the per-process key, first 16 hex digits."""
    text = _canonical(params, many)
    if text is None:
        return None
    digest = hmac.new(RUNTIME.hmac_key, text.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return digest.hexdigest()[:16]


def execute_wrapper(execute: Any, sql: Any, params: Any, many: bool, context: Any) -> Any:
    capture = capturing()
    if not (RUNTIME.params_hash or capture):
        return execute(sql, params, many, context)
    if _registered_on is None and not ensure_processor():
        return execute(sql, params, many, context)  # no SDK: nobody to hand the hash to
    pending = None
    try:
        shown = None
        if capture and (not many or isinstance(params, (list, tuple))):
            shown = repr(params)[:_PARAMS_REPR_MAX]
        pending = _Pending(params_hash(params, many) if RUNTIME.params_hash else None, shown)
    except Exception:  # pragma: no cover - defensive
        log.debug("hotpath_django: params hash failed", exc_info=True)
    token = _PENDING.set(pending)
    try:
        return execute(sql, params, many, context)
    finally:
        _PENDING.reset(token)


def on_span_start(span: Any) -> None:
    pending = _PENDING.get()
    if pending is None or pending.used or getattr(span, "kind", None) is not SpanKind.CLIENT:
        return
    pending.used = True  # only the driver span, not e.g. a nested HTTP call of some odd driver
    if pending.params_hash is not None:
        span.set_attribute(conv.DB_PARAMS_HASH, pending.params_hash)
    if pending.params_repr is not None:
        span.set_attribute(conv.DB_PARAMS, pending.params_repr)


_registered_on: Optional[int] = None
_lock = threading.Lock()


def _processor_class() -> type:
    from opentelemetry.sdk.trace import SpanProcessor

    class HotpathSpanProcessor(SpanProcessor):
        def on_start(self, span: Any, parent_context: Any = None) -> None:
            try:
                on_span_start(span)
            except Exception:  # pragma: no cover - defensive
                pass

    return HotpathSpanProcessor


def ensure_processor(provider: Any = None) -> bool:
    """Register our span processor on the SDK provider once; False when there is no SDK provider."""
    global _registered_on
    provider = provider or trace.get_tracer_provider()
    if _registered_on == id(provider):
        return True
    add = getattr(provider, "add_span_processor", None)
    if add is None:
        return False
    with _lock:
        if _registered_on != id(provider):
            add(_processor_class()())
            _registered_on = id(provider)
    return True


def _install_on(connection: Any) -> None:
    wrappers = getattr(connection, "execute_wrappers", None)
    if wrappers is not None and execute_wrapper not in wrappers:
        wrappers.append(execute_wrapper)


_original_create_connection: Any = None


def _create_connection(self: Any, alias: str) -> Any:
    connection = _original_create_connection(self, alias)
    try:
        _install_on(connection)
    except Exception:  # pragma: no cover - defensive
        pass
    return connection


def install(tracer_provider: Any = None) -> None:
    global _original_create_connection
    from django.db import connections
    from django.db.utils import ConnectionHandler

    from django.conf import settings

    if _original_create_connection is None:
        _original_create_connection = ConnectionHandler.create_connection
        ConnectionHandler.create_connection = _create_connection
    if settings.configured:  # before settings, no connection can exist yet
        for connection in connections.all(initialized_only=True):
            _install_on(connection)
    ensure_processor(tracer_provider)


def uninstall() -> None:
    global _original_create_connection
    from django.conf import settings
    from django.db import connections
    from django.db.utils import ConnectionHandler

    if _original_create_connection is not None:
        ConnectionHandler.create_connection = _original_create_connection
        _original_create_connection = None
    if not settings.configured:
        return
    for connection in connections.all(initialized_only=True):
        wrappers = getattr(connection, "execute_wrappers", None)
        if wrappers is not None and execute_wrapper in wrappers:
            wrappers.remove(execute_wrapper)
