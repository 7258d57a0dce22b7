"""Gives SQLite a pg_sleep(seconds) function so /reports/slow/ runs the same SQL on both backends.

PostgreSQL's pg_sleep() blocks inside the server; SQLite has no such function, so each new SQLite
connection gets a user-defined one that calls time.sleep(). The DB client span then lasts as long
as on PostgreSQL, and its db.statement is identical ("SELECT pg_sleep(%s)").
"""

import time

from django.db.backends.signals import connection_created
from django.dispatch import receiver


def _sleep(seconds: float) -> float:
    time.sleep(float(seconds))
    return 0.0


@receiver(connection_created)
def add_sqlite_sleep(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function("pg_sleep", 1, _sleep)
