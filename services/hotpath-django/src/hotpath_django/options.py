"""Settings for hotpath-django: defaults, the HOTPATH_DJANGO dict, instrument() keyword arguments.

Keys are matched case-insensitively, so both ``{"CACHE_SPANS": False}`` (Django settings style) and
``instrument(cache_spans=False)`` work. Unknown keys produce a warning rather than an error, so a
typo never takes a site down at start-up.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional, Tuple

ENV_CAPTURE_SECRET = "HOTPATH_DJANGO_CAPTURE_SECRET"

# Old or alternative spellings accepted for a canonical option name.
_ALIASES = {
    "db_params_hash": "params_hash",
    "cache_key_full": "cache_full_keys",
    "full_cache_keys": "cache_full_keys",
    "profile_top": "profile_top_n",
}


@dataclass(frozen=True)
class Options:
    enabled: bool = True
    middleware_spans: bool = True
    template_spans: bool = True
    cache_spans: bool = True
    # Off: full cache keys often carry user ids, e-mails or tokens.
    cache_full_keys: bool = False
    view_path: bool = True
    params_hash: bool = True
    capture_header: str = "X-Hotpath-Capture"
    # None or "" disables deep capture; the env var is consulted when this is unset.
    capture_secret: Optional[str] = None
    profile_top_n: int = 20
    # Form widgets render one template each; like the debug toolbar we leave them out, their time
    # stays in the enclosing template's span.
    template_skip_prefixes: Tuple[str, ...] = ("django/forms/widgets/", "admin/widgets/")

    @property
    def capture_meta_key(self) -> str:
        return "HTTP_" + self.capture_header.upper().replace("-", "_")

    def resolved_secret(self) -> Optional[bytes]:
        secret = self.capture_secret or os.environ.get(ENV_CAPTURE_SECRET) or None
        return secret.encode("utf-8") if secret else None

    def __repr__(self) -> str:  # never print the secret
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "capture_secret"}
        shown["capture_secret"] = "<set>" if self.capture_secret else None
        return f"Options({shown})"


_NAMES = {f.name for f in fields(Options)}


def _normalise(raw: Mapping[str, Any], source: str) -> dict:
    out = {}
    for key, value in raw.items():
        name = str(key).lower()
        name = _ALIASES.get(name, name)
        if name not in _NAMES:
            warnings.warn(f"hotpath_django: unknown option {key!r} in {source}; ignored", stacklevel=3)
            continue
        out[name] = value
    return out


def build(settings_dict: Optional[Mapping[str, Any]], overrides: Mapping[str, Any]) -> Options:
    """Defaults, then the HOTPATH_DJANGO settings dict, then instrument() keyword arguments."""
    merged = {}
    if settings_dict:
        merged.update(_normalise(settings_dict, "settings.HOTPATH_DJANGO"))
    merged.update(_normalise(overrides, "instrument()"))
    if "profile_top_n" in merged:
        merged["profile_top_n"] = max(1, int(merged["profile_top_n"]))
    if "template_skip_prefixes" in merged:
        value = merged["template_skip_prefixes"] or ()
        merged["template_skip_prefixes"] = (value,) if isinstance(value, str) else tuple(str(v) for v in value)
    if "capture_header" in merged:
        merged["capture_header"] = str(merged["capture_header"]).strip() or Options.capture_header
    for flag in ("enabled", "middleware_spans", "template_spans", "cache_spans", "cache_full_keys",
                 "view_path", "params_hash"):
        if flag in merged:
            merged[flag] = bool(merged[flag])
    return Options(**merged)
