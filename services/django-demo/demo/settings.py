"""Settings for the Hotpath Django demo.

Everything that differs between a laptop, CI and the overhead bench comes from the environment:

  DATABASE_URL      postgres://... -> PostgreSQL (psycopg 3); unset -> SQLite file (DEMO_SQLITE_PATH)
  DEMO_DB_SCHEMA    PostgreSQL schema the demo's tables live in (default "django_demo", "" = public),
                    so the demo never touches tables of others sharing the database
  REDIS_URL         redis://... -> Django's RedisCache; unset -> LocMemCache
  DEBUG, SECRET_KEY, ALLOWED_HOSTS (comma-separated)
  DEMO_HOTPATH      "0" removes hotpath_django (default on)
  DEMO_SILK         "1" adds django-silk;  DEMO_PROMETHEUS "1" adds django-prometheus
  DEMO_SLOW_MW_PREFIX / DEMO_SLOW_MW_MS   where and how long the slow middleware sleeps
  DEMO_OUTBOUND_URL target of /outbound/ (default: this server's own /ping/)
  HOTPATH_DJANGO_CAPTURE_SECRET  secret for hotpath-django's opt-in capture
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


DEBUG = env_flag("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "django-demo-insecure-key-for-local-use-only")
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]

DEMO_HOTPATH = env_flag("DEMO_HOTPATH", True)
DEMO_SILK = env_flag("DEMO_SILK", False)
DEMO_PROMETHEUS = env_flag("DEMO_PROMETHEUS", False)

INSTALLED_APPS = ["shop"]
if DEMO_HOTPATH:
    INSTALLED_APPS.append("hotpath_django")
if DEMO_SILK:
    # silk's own views import django.contrib.auth, which needs contenttypes.
    INSTALLED_APPS += ["django.contrib.contenttypes", "django.contrib.auth", "silk"]
if DEMO_PROMETHEUS:
    INSTALLED_APPS.append("django_prometheus")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "shop.middleware.SlowPrefixMiddleware",
]
if DEMO_SILK:
    MIDDLEWARE.insert(0, "silk.middleware.SilkyMiddleware")
if DEMO_PROMETHEUS:
    # django-prometheus documents its two middlewares as first and last of the stack.
    MIDDLEWARE.insert(0, "django_prometheus.middleware.PrometheusBeforeMiddleware")
    MIDDLEWARE.append("django_prometheus.middleware.PrometheusAfterMiddleware")

ROOT_URLCONF = "demo.urls"
WSGI_APPLICATION = "demo.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# --- database -------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "").strip()
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    sqlite_path = os.environ.get("DEMO_SQLITE_PATH") or str(BASE_DIR / "db.sqlite3")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            # gunicorn runs several workers against one file; wait for the write lock instead of failing.
            "OPTIONS": {"timeout": 20},
        }
    }

DEMO_DB_SCHEMA = ""
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DEMO_DB_SCHEMA = os.environ.get("DEMO_DB_SCHEMA", "django_demo")
    if DEMO_DB_SCHEMA:
        # search_path as a libpq startup option costs no extra statement (so no extra DB span).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c search_path={DEMO_DB_SCHEMA}"
    if DEMO_PROMETHEUS:
        DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.postgresql"
elif DEMO_PROMETHEUS:
    DATABASES["default"]["ENGINE"] = "django_prometheus.db.backends.sqlite3"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL, "KEY_PREFIX": "django-demo"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "django-demo"}}
if DEMO_PROMETHEUS and not REDIS_URL:
    # django-prometheus' Redis wrapper imports django-redis, which the demo does not use; only LocMem is swapped.
    CACHES["default"]["BACKEND"] = "django_prometheus.cache.backends.locmem.LocMemCache"

# --- demo knobs -----------------------------------------------------------------------------------
DEMO_SLOW_MW_PREFIX = os.environ.get("DEMO_SLOW_MW_PREFIX", "/slow-mw/")
DEMO_SLOW_MW_MS = int(os.environ.get("DEMO_SLOW_MW_MS", "30"))
DEMO_OUTBOUND_URL = os.environ.get("DEMO_OUTBOUND_URL", "")

# --- hotpath-django -------------------------------------------------------------------------------
HOTPATH_DJANGO = {
    "MIDDLEWARE_SPANS": True,
    "TEMPLATE_SPANS": True,
    "CACHE_SPANS": True,
    "VIEW_PATH": True,
    "PARAMS_HASH": True,
    "CAPTURE_SECRET": os.environ.get("HOTPATH_DJANGO_CAPTURE_SECRET") or None,
}

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en-us"
USE_I18N = False
STATIC_URL = "static/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # /boom/ logs its traceback through django.request; keep that, silence the rest.
    "root": {"handlers": ["console"], "level": os.environ.get("DEMO_LOG_LEVEL", "WARNING")},
}
