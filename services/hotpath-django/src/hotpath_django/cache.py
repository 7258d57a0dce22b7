"""One span per Django cache-framework call, for every backend.

Every backend object is created by ``CacheHandler.create_connection(alias)``, so wrapping the public
methods on each new instance covers LocMem, file, database, Redis, memcached and third-party
backends alike, and tells us the alias. Backends call their own public methods internally
(``get_or_set`` -> ``get`` + ``add``; ``DatabaseCache.get`` -> ``get_many``); a context variable marks
the outermost call so only it gets a span, like the debug toolbar's cache panel does.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any, Callable, Iterable, List, Optional

from . import conventions as conv
from ._runtime import RUNTIME, end_span, start_span, tracing_on

OPERATIONS = ("get", "set", "add", "get_many", "set_many", "get_or_set", "delete", "delete_many",
              "incr", "decr", "touch", "has_key", "clear")
_MANY_KEYS = ("get_many", "delete_many")

# Key prefix rule (CONVENTIONS.md): the key up to the first separator or digit. Keys such as
# "user:42:profile", "user.42", "user/42", "user42" all give "user"; an id, e-mail or token after
# the first separator never leaves the process.
_PREFIX_END = re.compile(r"[:./|#@?=,;\s]|\d")
_PREFIX_MAX = 64
_MAX_PREFIXES = 8


def key_prefix(key: Any) -> str:
    text = str(key)
    match = _PREFIX_END.search(text)
    return (text[: match.start()] if match else text)[:_PREFIX_MAX]


def keys_prefix(keys: Iterable[Any]) -> str:
    prefixes = sorted({key_prefix(k) for k in keys})
    if len(prefixes) > _MAX_PREFIXES:
        prefixes = prefixes[:_MAX_PREFIXES] + ["..."]
    return ",".join(prefixes)


class _Op:
    __slots__ = ("inner_get_hit",)

    def __init__(self) -> None:
        self.inner_get_hit: Optional[bool] = None


_CURRENT: ContextVar[Optional[_Op]] = ContextVar("hotpath_cache_op", default=None)
_MISS = object()


def _class_path(obj: Any) -> str:
    cls = type(obj)
    return f"{cls.__module__}.{cls.__qualname__}"


def _arg(args: tuple, kwargs: dict, index: int, name: str) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(name)


def _listify(args: tuple, kwargs: dict, name: str) -> tuple:
    """get_many/delete_many accept any iterable; turn a one-shot iterator into a list we can read."""
    keys = _arg(args, kwargs, 0, name)
    if keys is None or isinstance(keys, (list, tuple)):
        return args, kwargs, keys
    keys = list(keys)
    if args:
        return (keys, *args[1:]), kwargs, keys
    return args, {**kwargs, name: keys}, keys


def _get_tracking_hit(fn: Callable, args: tuple, kwargs: dict) -> tuple:
    """Call get() with a private default so a cached None still counts as a hit."""
    if len(args) >= 2:
        default = args[1]
        call_args, call_kwargs = (args[0], _MISS, *args[2:]), kwargs
    else:
        call_kwargs = dict(kwargs)
        default = call_kwargs.pop("default", None)
        call_kwargs["default"] = _MISS
        call_args = args
    value = fn(*call_args, **call_kwargs)
    if value is _MISS:
        return default, False
    return value, True


def _wrap(op: str, fn: Callable, backend_path: str, alias: str) -> Callable:
    name = conv.cache_span_name(op)

    def cache_call(*args: Any, **kwargs: Any) -> Any:
        outer = _CURRENT.get()
        if outer is not None:  # an internal call of the outermost operation: no span of its own
            if op == "get" and outer.inner_get_hit is None:
                value = fn(*args, **kwargs)
                outer.inner_get_hit = value is not _arg(args, kwargs, 1, "default")
                return value
            return fn(*args, **kwargs)
        if not (RUNTIME.cache and tracing_on()):
            return fn(*args, **kwargs)

        attrs = {conv.KIND: conv.KIND_CACHE, conv.CACHE_OPERATION: op, conv.CACHE_BACKEND: backend_path,
                 conv.CACHE_ALIAS: alias}
        keys: Optional[List[Any]] = None
        try:
            if op in _MANY_KEYS:
                args, kwargs, keys = _listify(args, kwargs, "keys")
            elif op == "set_many":
                data = _arg(args, kwargs, 0, "data")
                keys = list(data.keys()) if hasattr(data, "keys") else None
            elif op != "clear":
                key = _arg(args, kwargs, 0, "key")
                if key is not None:
                    attrs[conv.CACHE_KEY_PREFIX] = key_prefix(key)
                    if RUNTIME.options.cache_full_keys:
                        attrs[conv.CACHE_KEY] = str(key)
            if keys is not None:
                attrs[conv.CACHE_KEY_PREFIX] = keys_prefix(keys)
                if RUNTIME.options.cache_full_keys:
                    attrs[conv.CACHE_KEY] = [str(k) for k in keys]
        except Exception:  # pragma: no cover - attributes are best effort
            pass

        state = _Op()
        default_called: List[bool] = []
        if op == "get_or_set":
            default = _arg(args, kwargs, 1, "default")
            if callable(default):
                args, kwargs = _wrap_default(args, kwargs, default, default_called)

        span_token = start_span(name, attrs)
        cv_token = _CURRENT.set(state)
        hit: Optional[bool] = None
        try:
            if op == "get":
                result, hit = _get_tracking_hit(fn, args, kwargs)
            else:
                result = fn(*args, **kwargs)
        except BaseException as exc:
            _CURRENT.reset(cv_token)
            end_span(span_token, exc)
            raise
        _CURRENT.reset(cv_token)
        if span_token is not None:
            _set_result_attributes(span_token[0], op, result, hit, state, default_called, keys)
        end_span(span_token)
        return result

    cache_call._hotpath_wrapped = True  # type: ignore[attr-defined]
    return cache_call


def _wrap_default(args: tuple, kwargs: dict, default: Callable, called: List[bool]) -> tuple:
    def compute_default() -> Any:
        called.append(True)
        # The user's callable may use the cache itself: those calls deserve spans of their own.
        token = _CURRENT.set(None)
        try:
            return default()
        finally:
            _CURRENT.reset(token)

    if len(args) >= 2:
        return (args[0], compute_default, *args[2:]), kwargs
    return args, {**kwargs, "default": compute_default}


def _set_result_attributes(span: Any, op: str, result: Any, hit: Optional[bool], state: _Op,
                           default_called: List[bool], keys: Optional[List[Any]]) -> None:
    try:
        if op == "get":
            span.set_attribute(conv.CACHE_HIT, bool(hit))
        elif op == "has_key":
            span.set_attribute(conv.CACHE_HIT, bool(result))
        elif op == "get_or_set":
            if default_called:
                span.set_attribute(conv.CACHE_HIT, False)
            elif state.inner_get_hit is not None:
                span.set_attribute(conv.CACHE_HIT, state.inner_get_hit)
        elif op == "get_many" and keys is not None and isinstance(result, dict):
            hits = len(result)
            span.set_attribute(conv.CACHE_HITS, hits)
            span.set_attribute(conv.CACHE_MISSES, max(0, len(set(keys)) - hits))
    except Exception:  # pragma: no cover - defensive
        pass


def instrument_backend(backend: Any, alias: str) -> Any:
    if getattr(backend, "_hotpath_alias", None) is not None:
        return backend
    backend_path = _class_path(backend)
    for op in OPERATIONS:
        fn = getattr(backend, op, None)
        if callable(fn) and not getattr(fn, "_hotpath_wrapped", False):
            try:
                setattr(backend, op, _wrap(op, fn, backend_path, alias))
            except (AttributeError, TypeError):
                pass
    try:
        backend._hotpath_alias = alias
    except (AttributeError, TypeError):
        pass
    return backend


_original_create_connection: Any = None


def _create_connection(self: Any, alias: str) -> Any:
    backend = _original_create_connection(self, alias)
    try:
        instrument_backend(backend, alias)
    except Exception:  # pragma: no cover - defensive
        pass
    return backend


def install() -> None:
    global _original_create_connection
    from django.core.cache import CacheHandler, caches

    if _original_create_connection is None:
        _original_create_connection = CacheHandler.create_connection
        CacheHandler.create_connection = _create_connection
    from django.conf import settings

    if not settings.configured:  # manual instrument() before settings: nothing built yet
        return
    for alias in list(caches.settings):
        existing = getattr(getattr(caches, "_connections", None), alias, None)
        if existing is not None:
            instrument_backend(existing, alias)


def uninstall() -> None:
    # Already-wrapped backends stay wrapped but fall through (RUNTIME.cache is False by then).
    global _original_create_connection
    from django.core.cache import CacheHandler

    if _original_create_connection is not None:
        CacheHandler.create_connection = _original_create_connection
        _original_create_connection = None
