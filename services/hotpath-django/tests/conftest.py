"""Real Django (SQLite in memory, LocMem/file/database/Redis caches, DTL + Jinja2) and the real
OpenTelemetry SDK with its in-memory exporter, plus the official Django, sqlite3 and redis
instrumentations so our spans sit in the trees they will meet in production."""

import os
import shutil
import sys
import tempfile
import uuid

import django
import pytest
from django.conf import settings
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

CAPTURE_SECRET = "s3cret-" + uuid.uuid4().hex
REDIS_PREFIX = "hotpath-django-test-" + uuid.uuid4().hex[:8]
FILE_CACHE_DIR = tempfile.mkdtemp(prefix="hotpath-django-filecache-")
EXPORTER = InMemorySpanExporter()


def pytest_configure(config):
    settings.configure(
        DEBUG=False,
        SECRET_KEY="hotpath-django-tests",
        ALLOWED_HOSTS=["testserver"],
        ROOT_URLCONF="hp_testapp.urls",
        INSTALLED_APPS=["hotpath_django", "hp_testapp"],
        MIDDLEWARE=[
            "django.middleware.common.CommonMiddleware",
            "hp_testapp.middleware.MixinMiddleware",
            "hp_testapp.middleware.NewStyleMiddleware",
            "hp_testapp.middleware.function_middleware",
        ],
        DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
        CACHES={
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "hp-default"},
            "file": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": FILE_CACHE_DIR},
            "db": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "hp_cache_table"},
            "redis": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                      "LOCATION": "redis://127.0.0.1:6379/0", "KEY_PREFIX": REDIS_PREFIX},
        },
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True},
            {"BACKEND": "django.template.backends.jinja2.Jinja2", "APP_DIRS": True, "NAME": "jinja2"},
        ],
        HOTPATH_DJANGO={"CAPTURE_SECRET": CAPTURE_SECRET, "PROFILE_TOP_N": 15},
        USE_TZ=True,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
    )
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)

    from opentelemetry.instrumentation.django import DjangoInstrumentor
    from opentelemetry.instrumentation.redis import RedisInstrumentor
    from opentelemetry.instrumentation.sqlite3 import SQLite3Instrumentor

    DjangoInstrumentor().instrument()
    SQLite3Instrumentor().instrument()
    RedisInstrumentor().instrument()
    django.setup()

    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)
    call_command("createcachetable", verbosity=0)
    from hp_testapp.models import Item

    Item.objects.bulk_create([Item(pk=i, name=f"item{i}") for i in (1, 2, 3)])


def pytest_unconfigure(config):
    shutil.rmtree(FILE_CACHE_DIR, ignore_errors=True)


@pytest.fixture
def spans():
    EXPORTER.clear()
    return Spans()


@pytest.fixture
def reconfigure():
    """Re-instrument with extra options for one test, then go back to the settings' options."""
    import hotpath_django

    def apply(**options):
        return hotpath_django.instrument(**options)

    yield apply
    hotpath_django.instrument()


@pytest.fixture
def client():
    from django.test import Client

    return Client()


class Spans:
    def clear(self):
        EXPORTER.clear()

    def all(self):
        return list(EXPORTER.get_finished_spans())

    def named(self, name):
        return [s for s in self.all() if s.name == name]

    def one(self, name):
        found = self.named(name)
        assert len(found) == 1, f"expected one span {name!r}, got {[s.name for s in self.all()]}"
        return found[0]

    def with_prefix(self, prefix):
        return [s for s in self.all() if s.name.startswith(prefix)]

    def children(self, parent):
        return [s for s in self.all() if s.parent is not None and s.parent.span_id == parent.context.span_id]

    def parent_of(self, span):
        if span.parent is None:
            return None
        return next((s for s in self.all() if s.context.span_id == span.parent.span_id), None)

    def request_span(self):
        found = [s for s in self.all() if s.instrumentation_scope.name == "opentelemetry.instrumentation.django"]
        assert len(found) == 1, [s.name for s in self.all()]
        return found[0]
