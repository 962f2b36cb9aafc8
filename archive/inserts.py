"""INSERT statements built once and run for every file: the importer writes the same few kinds of
row for each file it imports (its history's revision and version, its links), and for one small
row the ORM takes longer to build the statement again than the database takes to run it.

`Insert` asks the ORM's own compiler for the statement the first time (checking that it takes
exactly the values prepared here), then prepares each row's values as that compiler does (each
field's `pre_save`, then `get_db_prep_save`), so the rows written are those `create()` and
`bulk_create()` write. Like `bulk_create` it sends no signals.

`PreparedInsert` is the same for a model's own `save()`: a model that inherits it inserts its
new rows with a statement built once, through save() as ever (its signals, and its derived
fields made by its own save, are unchanged). The articles an import writes are such rows.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from django.db import connections, models, router
from django.db.models.sql import InsertQuery


class Insert:
    """One model's rows, written with the named fields; the database makes the primary key."""

    def __init__(self, model: type[models.Model], field_names: Sequence[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(name) for name in field_names]
        # The fields whose value is the time of the insert (`auto_now`, `auto_now_add`).
        self._timed = [
            getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            for field in self.fields
        ]
        self._sql: dict[tuple[str, bool], str] = {}  # by database alias, and returning the id

    def one(self, obj: models.Model, using: str | None = None) -> None:
        """Insert the row, as `create()` would, and give `obj` its new primary key."""
        using = using or router.db_for_write(self.model, instance=obj)
        obj.pk = self.insert(obj, using, self._values(obj, connections[using]))
        obj._state.adding = False
        obj._state.db = using

    def insert(self, obj: models.Model, using: str, values: list):
        """Insert the row of `values` (from `_values`); its new primary key."""
        connection = connections[using]
        meta = self.model._meta
        returning = connection.features.can_return_columns_from_insert
        with connection.cursor() as cursor:
            cursor.execute(self._statement(obj, using, values, returning=returning), values)
            if returning:
                (pk,) = cursor.fetchone()
                return pk
            return connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)

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
            # A copy: the compiler sets a time field's value on the object it is given again.
            query.insert_values(self.fields, [copy.copy(obj)])
            compiler = query.get_compiler(using)
            compiler.returning_fields = [self.model._meta.pk] if returning else None
            ((sql, params),) = compiler.as_sql()
            if (
                len(params) != len(values)
                or any(
                    ours != orms
                    for ours, orms, timed in zip(values, params, self._timed, strict=True)
                    if not timed
                )
                or getattr(compiler, "returning_params", ())
            ):
                raise ValueError(f"{self.model.__name__}: the ORM's insert takes other values")
            self._sql[(using, returning)] = sql
        return sql


class PreparedInsert(models.Model):
    """A model whose save() inserts a new row with a statement built once (see `Insert`).

    Only the plain insert is taken over: a row given an expression (F(), a database function)
    or a model whose database returns more than the primary key is inserted by the ORM.
    """

    class Meta:
        abstract = True

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        insert = None if raw else _prepared(type(self), tuple(fields))
        if insert is None or list(returning_fields or ()) != [self._meta.pk]:
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        connection = connections[using]
        values = []
        for field in insert.fields:
            value = field.pre_save(self, True)
            if hasattr(value, "resolve_expression"):
                return super()._do_insert(manager, using, fields, returning_fields, raw)
            values.append(field.get_db_prep_save(value, connection))
        return [(insert.insert(self, using, values),)]


_PREPARED: dict[tuple[type, tuple], Insert] = {}


def _prepared(model: type[models.Model], fields: tuple) -> Insert:
    """The insert of these fields of the model's rows, made once."""
    insert = _PREPARED.get((model, fields))
    if insert is None:
        insert = _PREPARED[(model, fields)] = Insert(model, [field.name for field in fields])
    return insert
