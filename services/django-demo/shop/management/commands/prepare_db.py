"""Creates the PostgreSQL schema named by DEMO_DB_SCHEMA (no-op on SQLite or when it is empty).

Run before `migrate`: settings put the schema on the connection's search_path, and PostgreSQL only
resolves tables there once the schema exists.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = "Create the demo's PostgreSQL schema if it does not exist."

    def add_arguments(self, parser):
        parser.add_argument("--drop", action="store_true", help="drop the schema (and all demo tables) first")

    def handle(self, *args, drop: bool = False, **options):
        schema = getattr(settings, "DEMO_DB_SCHEMA", "")
        if connection.vendor != "postgresql" or not schema:
            return
        with connection.cursor() as cur:
            quoted = connection.ops.quote_name(schema)
            if drop:
                cur.execute(f"DROP SCHEMA IF EXISTS {quoted} CASCADE")
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {quoted}")
        self.stdout.write(f"prepare_db: schema {schema} ready")
