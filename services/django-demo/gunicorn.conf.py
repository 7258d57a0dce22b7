"""gunicorn settings for the demo (values overridable through the environment)."""

import os

# Loopback by default; a container sets DEMO_BIND_HOST=0.0.0.0 to be reachable from outside.
bind = f"{os.environ.get('DEMO_BIND_HOST', '127.0.0.1')}:{os.environ.get('DEMO_PORT', '8000')}"
# /outbound/ calls this same server by default, so one request needs a second free worker or thread.
workers = int(os.environ.get("DEMO_WORKERS", "2"))
threads = int(os.environ.get("DEMO_THREADS", "4"))
worker_class = "gthread"
timeout = 30
graceful_timeout = 5
accesslog = os.environ.get("DEMO_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("DEMO_GUNICORN_LOG_LEVEL", "warning")
