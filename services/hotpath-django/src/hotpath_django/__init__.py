"""hotpath-django: OpenTelemetry spans for the parts of a Django request the official
instrumentation leaves dark (middleware, templates, cache), plus the view path, a keyed DB
parameter hash and opt-in deep capture. Uses only the OpenTelemetry API.

Two ways in:
* add ``"hotpath_django"`` to INSTALLED_APPS (configured by ``settings.HOTPATH_DJANGO``), or
* call ``hotpath_django.instrument(**options)`` yourself; ``uninstrument()`` undoes it.
"""

from __future__ import annotations

from typing import Any

from .conventions import CONVENTIONS
from .options import Options

__version__ = "0.1.0"
__all__ = ["instrument", "uninstrument", "is_instrumented", "current_options", "CONVENTIONS", "Options",
           "__version__"]


def _settings_dict() -> Any:
    from django.conf import settings

    if not settings.configured:
        return None
    return getattr(settings, "HOTPATH_DJANGO", None)


def instrument(tracer_provider: Any = None, **options: Any) -> Options:
    """Install (or re-configure) the instrumentation; returns the options in force.

    Options are the defaults, overridden by ``settings.HOTPATH_DJANGO`` (when settings are
    configured), overridden by these keyword arguments. Calling it again applies new options.
    ``tracer_provider`` defaults to the global one (``opentelemetry-instrument`` or your SDK set-up).
    """
    from . import _runtime, cache, capture, db, middleware, templates
    from . import options as options_module

    resolved = options_module.build(_settings_dict(), options)
    if not resolved.enabled:
        uninstrument()
        return resolved
    _runtime.RUNTIME.apply(resolved, tracer_provider)
    middleware.install()
    templates.install()
    cache.install()
    capture.install()
    db.install(tracer_provider)
    return resolved


def uninstrument() -> None:
    """Remove the patches; wrappers already built into middleware chains or cache objects fall
    through to the original code from now on."""
    from . import _runtime, cache, capture, db, middleware, templates

    _runtime.RUNTIME.reset()
    for module in (middleware, templates, cache, capture, db):
        module.uninstall()


def is_instrumented() -> bool:
    from ._runtime import RUNTIME

    return RUNTIME.instrumented


def current_options() -> Options:
    from ._runtime import RUNTIME

    return RUNTIME.options
