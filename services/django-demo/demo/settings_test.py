"""Settings for the smoke tests: always SQLite + LocMem, whatever DATABASE_URL/REDIS_URL say."""

from .settings import *  # noqa: F401,F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "django-demo-tests"}}
