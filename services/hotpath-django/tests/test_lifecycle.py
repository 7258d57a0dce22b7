import os
import subprocess
import sys
import textwrap
import warnings

from django.core.cache import caches
from django.core.handlers.base import BaseHandler
from django.template.base import Template
from django.test import Client, override_settings

import hotpath_django
from hotpath_django import options as options_module

HERE = os.path.dirname(os.path.abspath(__file__))
OTEL_MW = "opentelemetry.instrumentation.django.middleware.otel_middleware._DjangoMiddleware"


def test_uninstrument_restores_django_and_silences_existing_wrappers(spans):
    patched = (BaseHandler.load_middleware, BaseHandler.get_response, Template.render)
    cache = caches["default"]  # built (and wrapped) while instrumented
    hotpath_django.uninstrument()
    try:
        assert not hotpath_django.is_instrumented()
        assert BaseHandler.load_middleware is not patched[0]
        assert BaseHandler.get_response is not patched[1]
        assert Template.render is not patched[2]
        Client().get("/page/")
        cache.get("user:1")
        assert [s for s in spans.all() if s.instrumentation_scope.name == "hotpath_django"] == []
    finally:
        hotpath_django.instrument()
    assert BaseHandler.load_middleware.__name__ == "_load_middleware"
    Client().get("/page/")
    assert spans.named("django.template.render hp/page.html")


def test_spans_use_the_scope_named_in_conventions_json(client, spans):
    client.get("/page/")
    scopes = {s.instrumentation_scope.name for s in spans.with_prefix("django.")}
    assert scopes == {hotpath_django.CONVENTIONS["scope"]}


def test_middleware_listed_before_the_otel_middleware_is_not_spanned(spans):
    stack = ["hp_testapp.middleware.MixinMiddleware", OTEL_MW, "hp_testapp.middleware.NewStyleMiddleware"]
    with override_settings(MIDDLEWARE=stack):
        Client().get("/plain/")
    assert spans.with_prefix("django.middleware hp_testapp.middleware.MixinMiddleware") == []
    assert spans.one("django.middleware hp_testapp.middleware.NewStyleMiddleware.__call__")
    assert spans.request_span().parent is None


def test_options_merge_defaults_settings_and_keyword_arguments_case_insensitively():
    built = options_module.build({"CACHE_SPANS": False, "PROFILE_TOP_N": 5}, {"profile_top_n": 7})
    assert built.cache_spans is False and built.profile_top_n == 7
    assert built.middleware_spans is True and built.cache_full_keys is False
    assert built.capture_header == "X-Hotpath-Capture" and built.capture_secret is None


def test_unknown_option_warns_instead_of_failing():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        built = options_module.build({"CACHE_SPANZ": False}, {})
    assert built.cache_spans is True
    assert any("CACHE_SPANZ" in str(w.message) for w in caught)


def test_options_repr_hides_the_capture_secret():
    assert "hunter2" not in repr(options_module.build({"CAPTURE_SECRET": "hunter2"}, {}))


def test_app_works_unchanged_without_an_otel_sdk_configured():
    """API-only (no SDK, no official instrumentation): every feature must be a silent no-op."""
    script = textwrap.dedent(
        f"""
        import sys, tempfile
        sys.path.insert(0, {HERE!r})
        import django
        from django.conf import settings
        settings.configure(
            SECRET_KEY="x", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="hp_testapp.urls",
            INSTALLED_APPS=["hotpath_django", "hp_testapp"],
            MIDDLEWARE=["hp_testapp.middleware.MixinMiddleware", "hp_testapp.middleware.NewStyleMiddleware"],
            DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}},
            CACHES={{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}},
            TEMPLATES=[{{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}},
                       {{"BACKEND": "django.template.backends.jinja2.Jinja2", "APP_DIRS": True, "NAME": "jinja2"}}],
            HOTPATH_DJANGO={{"CAPTURE_SECRET": "s"}},
            DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        )
        django.setup()
        import hotpath_django
        assert hotpath_django.is_instrumented()
        from django.core.management import call_command
        call_command("migrate", run_syncdb=True, verbosity=0)
        from django.test import Client
        c = Client()
        for path in ("/plain/", "/page/", "/jinja/", "/queries/", "/cached/"):
            r = c.get(path, HTTP_X_HOTPATH_CAPTURE="s")
            assert r.status_code == 200, (path, r.status_code)
        print("ok")
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
    assert "Traceback" not in result.stderr


def test_manual_instrument_before_settings_with_an_explicit_sdk_provider():
    """The manual path: instrument() first, settings later, no INSTALLED_APPS entry."""
    script = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {HERE!r})
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
        exporter = InMemorySpanExporter()
        provider = TracerProvider()
        provider.add_span_processor(SimpleSpanProcessor(exporter))
        import hotpath_django
        hotpath_django.instrument(tracer_provider=provider, cache_full_keys=True)
        import django
        from django.conf import settings
        settings.configure(
            SECRET_KEY="x", ALLOWED_HOSTS=["testserver"], ROOT_URLCONF="hp_testapp.urls",
            INSTALLED_APPS=["hp_testapp"],
            MIDDLEWARE=["hp_testapp.middleware.MixinMiddleware"],
            DATABASES={{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}}},
            CACHES={{"default": {{"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}}},
            TEMPLATES=[{{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}}],
        )
        django.setup()
        from django.test import Client
        assert Client().get("/cached/").status_code == 200
        assert Client().get("/page/").status_code == 200
        names = sorted({{s.name for s in exporter.get_finished_spans()}})
        print("\\n".join(names))
        keys = [s.attributes.get("hotpath.cache.key") for s in exporter.get_finished_spans() if s.name == "django.cache.get_or_set"]
        print("key=" + str(keys))
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "django.cache.get_or_set" in lines
    assert "django.template.render hp/page.html" in lines
    assert "django.middleware hp_testapp.middleware.MixinMiddleware.process_request" in lines
    assert "key=['page:home']" in lines
