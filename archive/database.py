"""Keeping a PostgreSQL connection's prepared statements in step with the schema.

With prepared statements on (archive/settings.py, DATABASE_PREPARED_STATEMENTS), a connection
keeps the plans of the statements its pages repeat. A migration that changes the type of a
column they read (a longer CharField) makes PostgreSQL refuse those plans ("cached plan must
not change result type", SQLSTATE 0A000) on every connection made before it, until the app
servers restart. Restart them after `migrate`, as after any deployment; until then, a request
that meets the refusal closes its connection, so that worker's next request opens a new one,
with no plans, instead of failing the same way until the connection grows old.
"""

from __future__ import annotations

import sys

from django.db import connections

STALE_PLAN = "0A000"


def is_stale_plan(error: BaseException | None) -> bool:
    """Whether `error` (or what caused it: Django wraps the driver's errors) is PostgreSQL
    refusing a prepared statement whose result columns changed type."""
    seen = 0
    while error is not None and seen < 5:
        if getattr(error, "sqlstate", None) == STALE_PLAN and "cached plan" in str(error):
            return True
        error, seen = error.__cause__ or error.__context__, seen + 1
    return False


def close_after_stale_plan(sender=None, request=None, **kwargs) -> None:
    """got_request_exception: drop the connections whose prepared plans the schema outdated."""
    if is_stale_plan(sys.exc_info()[1]):
        for connection in connections.all(initialized_only=True):
            connection.close()
