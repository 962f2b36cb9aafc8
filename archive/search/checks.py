"""A system check: the archive searches with SQLite's FTS5 or PostgreSQL's full-text search,
and refuses to start on a database with neither."""

from django.core.checks import Error, register
from django.db import connections

SUPPORTED = {"sqlite": "SQLite (FTS5)", "postgresql": "PostgreSQL (full-text search)"}


@register()
def search_backend_check(app_configs=None, **kwargs):
    """Runs on every start (the vendor is known from the engine, without connecting)."""
    errors = []
    for alias in connections:
        vendor = connections[alias].vendor
        if vendor not in SUPPORTED:
            errors.append(
                Error(
                    f"The {alias!r} database is {vendor}, which has no search backend.",
                    hint="Reading Room searches with "
                    + " or ".join(SUPPORTED.values())
                    + ": set DATABASE_URL to a sqlite:/// or postgres:// URL.",
                    id="archive.E001",
                )
            )
    return errors
