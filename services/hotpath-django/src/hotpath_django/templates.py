"""One span per template render, for the Django template language and for Jinja2.

Django: ``django.template.base.Template.render`` is what the backend calls for the top-level
template and what ``{% include %}`` calls for each included one, so patching it nests include spans
under their parent. ``{% extends %}`` renders the parent through the private ``_render`` and is
therefore timed inside the child's span (we leave ``_render`` alone: Django's test runner swaps it
for its own signal-sending version, which would silently drop our spans in test suites).

Jinja2: ``{% include %}`` and ``{% extends %}`` call the included template's ``root_render_func``
generator directly, never ``Template.render``. We wrap that generator on each compiled template, but
only open spans while a synchronous ``Template.render`` is on the stack: there the generator is
drained at once, so attaching context inside it is strictly nested. Streaming (``generate``,
``stream``) and async rendering are consumed lazily by someone else and get no spans.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Callable, Iterator, Optional

from . import conventions as conv
from ._runtime import RUNTIME, call_in_span, end_span, start_span, tracing_on

_originals: dict = {}
_IN_JINJA_RENDER: ContextVar[bool] = ContextVar("hotpath_in_jinja_render", default=False)


def _attrs(name: str, engine: str) -> dict:
    return {conv.KIND: conv.KIND_TEMPLATE, conv.TEMPLATE_NAME: name, conv.TEMPLATE_ENGINE: engine}


# --- Django template language ---------------------------------------------------------------------

def _django_render(self: Any, *args: Any, **kwargs: Any) -> Any:
    original = _originals["django"]
    if not (RUNTIME.templates and tracing_on()):
        return original(self, *args, **kwargs)
    name = self.name or "<string>"
    if name.startswith(RUNTIME.options.template_skip_prefixes):
        return original(self, *args, **kwargs)
    return call_in_span(conv.template_span_name(name), _attrs(name, "django"), original, (self, *args), kwargs)


# --- Jinja2 -------------------------------------------------------------------------------------

def _jinja_render(self: Any, *args: Any, **kwargs: Any) -> Any:
    original = _originals["jinja2.render"]
    if not (RUNTIME.templates and tracing_on()):
        return original(self, *args, **kwargs)
    token = _IN_JINJA_RENDER.set(True)
    try:
        return original(self, *args, **kwargs)
    finally:
        _IN_JINJA_RENDER.reset(token)


def _wrap_root_render_func(template: Any) -> None:
    inner: Optional[Callable[..., Iterator[str]]] = getattr(template, "root_render_func", None)
    if inner is None or getattr(inner, "_hotpath_wrapped", False):
        return

    def root_render_func(context: Any) -> Iterator[str]:
        if not (RUNTIME.templates and _IN_JINJA_RENDER.get()):
            yield from inner(context)
            return
        name = template.name or "<string>"
        if name.startswith(RUNTIME.options.template_skip_prefixes):
            yield from inner(context)
            return
        token = start_span(conv.template_span_name(name), _attrs(name, "jinja2"))
        try:
            yield from inner(context)
        except GeneratorExit:
            end_span(token)
            raise
        except BaseException as exc:
            end_span(token, exc)
            raise
        end_span(token)

    root_render_func._hotpath_wrapped = True  # type: ignore[attr-defined]
    template.root_render_func = root_render_func


def _make_from_namespace(original: Any) -> Any:
    def _from_namespace(cls: Any, environment: Any, namespace: Any, globals: Any) -> Any:
        template = original.__func__(cls, environment, namespace, globals)
        if not environment.is_async:
            try:
                _wrap_root_render_func(template)
            except Exception:  # pragma: no cover - defensive
                pass
        return template

    return classmethod(_from_namespace)


def install() -> None:
    from django.template.base import Template

    if "django" not in _originals:
        _originals["django"] = Template.render
        Template.render = _django_render
    try:
        import jinja2
    except ImportError:
        return
    if "jinja2.render" not in _originals:
        _originals["jinja2.render"] = jinja2.Template.render
        _originals["jinja2.from_namespace"] = jinja2.Template.__dict__["_from_namespace"]
        jinja2.Template.render = _jinja_render
        jinja2.Template._from_namespace = _make_from_namespace(_originals["jinja2.from_namespace"])


def uninstall() -> None:
    from django.template.base import Template

    if "django" in _originals:
        Template.render = _originals.pop("django")
    if "jinja2.render" in _originals:
        import jinja2

        jinja2.Template.render = _originals.pop("jinja2.render")
        jinja2.Template._from_namespace = _originals.pop("jinja2.from_namespace")
