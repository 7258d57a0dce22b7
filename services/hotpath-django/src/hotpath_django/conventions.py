"""Span names and attribute keys, read from conventions.json.

The JSON file is the single source of truth shared with the collector's classifier, so the Python
code never spells a key itself: every name below is looked up from the file at import time.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict


def load() -> Dict[str, Any]:
    """Return the parsed conventions.json shipped inside the package."""
    text = resources.files(__package__).joinpath("conventions.json").read_text(encoding="utf-8")
    return json.loads(text)


CONVENTIONS: Dict[str, Any] = load()
_ATTR = CONVENTIONS["attributes"]
_KINDS = CONVENTIONS["kinds"]
_NAMES = CONVENTIONS["span_names"]

SCOPE: str = CONVENTIONS["scope"]

KIND = _ATTR["kind"]
VIEW = _ATTR["view"]
MIDDLEWARE_CLASS = _ATTR["middleware_class"]
MIDDLEWARE_HOOK = _ATTR["middleware_hook"]
TEMPLATE_NAME = _ATTR["template_name"]
TEMPLATE_ENGINE = _ATTR["template_engine"]
CACHE_OPERATION = _ATTR["cache_operation"]
CACHE_BACKEND = _ATTR["cache_backend"]
CACHE_ALIAS = _ATTR["cache_alias"]
CACHE_KEY_PREFIX = _ATTR["cache_key_prefix"]
CACHE_KEY = _ATTR["cache_key"]
CACHE_HIT = _ATTR["cache_hit"]
CACHE_HITS = _ATTR["cache_hits"]
CACHE_MISSES = _ATTR["cache_misses"]
DB_PARAMS_HASH = _ATTR["db_params_hash"]
DB_PARAMS = _ATTR["db_params"]
CAPTURE = _ATTR["capture"]
PROFILE_EVENT = _ATTR["profile_event"]
PROFILE_TOP = _ATTR["profile_top"]
# Standard semconv key (not ours), set alongside VIEW so generic OTel tooling sees the function too.
CODE_FUNCTION_NAME = _ATTR.get("code_function_name", "code.function.name")

KIND_MIDDLEWARE = _KINDS["middleware"]
KIND_TEMPLATE = _KINDS["template"]
KIND_CACHE = _KINDS["cache"]

SPAN_MIDDLEWARE = _NAMES["middleware"]
SPAN_TEMPLATE = _NAMES["template"]
SPAN_CACHE = _NAMES["cache"]


def middleware_span_name(dotted_class: str, hook: str) -> str:
    return SPAN_MIDDLEWARE.replace("{class}", dotted_class).replace("{hook}", hook)


def template_span_name(name: str) -> str:
    return SPAN_TEMPLATE.replace("{name}", name)


def cache_span_name(operation: str) -> str:
    return SPAN_CACHE.replace("{operation}", operation)
