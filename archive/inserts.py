"""INSERT statements built once and run for every file: the importer writes the same few kinds of
row for each file it imports (its history's revision and version, its links), and for one small
row the ORM takes longer to build the statement again than the database takes to run it.

`Insert` asks the ORM's own compiler for the statement the first time (checking that it takes
exactly the values prepared here), then prepares each row's values as that compiler does (each
field's `pre_save`, then `get_db_prep_save`), so the rows written are those `create()` and
`bulk_create()` write. Like `bulk_create` it sends no signals. For models without `auto_now`
fields, whose `pre_save` would give a new value each time it is asked.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, models, router
from django.db.models.sql import InsertQuery


class Insert:
    """One model's rows, written with the named fields; the database makes the primary key."""

    def __init__(self, model: type[models.Model], field_names: Sequence[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(name) for name in field_names]
        self._sql: dict[tuple[str, bool], str] = {}  # by database alias, and returning the id

    def one(self, obj: models.Model, using: str | None = None) -> None:
        """Insert the row, as `create()` would, and give `obj` its new primary key."""
        using = using or router.db_for_write(self.model, instance=obj)
        connection = connections[using]
        meta = self.model._meta
        returning = connection.features.can_return_columns_from_insert
        values = self._values(obj, connection)
        with connection.cursor() as cursor:
            cursor.execute(self._statement(obj, using, values, returning=returning), values)
            if returning:
                (pk,) = cursor.fetchone()
            else:
                pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using

    def many(self, objs: Sequence[models.Model], using: str | None = None) -> None:
        """Insert the rows, as `bulk_create()` would (their primary keys are not read back)."""
        if not objs:
            return
        using = using or router.db_for_write(self.model, instance=objs[0])
        connection = connections[using]
        rows = [self._values(obj, connection) for obj in objs]
        sql = self._statement(objs[0], using, rows[0], returning=False)
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        for obj in objs:
            obj._state.adding = False
            obj._state.db = using

    def _values(self, obj: models.Model, connection) -> list:
        return [
            field.get_db_prep_save(field.pre_save(obj, True), connection) for field in self.fields
        ]

    def _statement(self, obj: models.Model, using: str, values: list, *, returning: bool) -> str:
        """The ORM's SQL for inserting `obj` alone, built once (for the first row)."""
        sql = self._sql.get((using, returning))
        if sql is None:
            query = InsertQuery(self.model)
            query.insert_values(self.fields, [obj])
            compiler = query.get_compiler(using)
            compiler.returning_fields = [self.model._meta.pk] if returning else None
            ((sql, params),) = compiler.as_sql()
            if list(params) != values or getattr(compiler, "returning_params", ()):
                raise ValueError(f"{self.model.__name__}: the ORM's insert takes other values")
            self._sql[(using, returning)] = sql
        return sql
