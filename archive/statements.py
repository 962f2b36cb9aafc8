"""Querysets compiled once per process: for the statements every page runs.

The ORM builds and compiles a statement's SQL each time a queryset runs, which for the small
reads every page makes (the rows of a list, an article by its slug) took longer than the
database took to answer. `compile_once` compiles a queryset once, with marker values in place
of the values that change (recognised again among its parameters, or refused), and `Statement`
runs the SQL with new values and makes the rows into model instances with `from_db`, applying
the database's converters, as the ORM itself does. The queryset stays the definition
(Article.objects.published() among them): only its SQL is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Statement:
    model: type[Model]
    database: str
    sql: str
    fixed: tuple  # the parameters before the values that change
    names: list[str]  # each column's field
    converters: list  # (column, (converters, expression)), as the ORM applies them
    annotations: tuple[str, ...] = ()  # the columns after the fields: set as attributes

    def rows(self, values: list | tuple) -> list[Model]:
        connection = connections[self.database]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, (*self.fixed, *values))
            fetched = cursor.fetchall()
        found = []
        fields = len(self.names)
        for row in fetched:
            row = list(row)
            for position, (steps, expression) in self.converters:
                for step in steps:
                    row[position] = step(row[position], expression, connection)
            if not self.annotations:
                found.append(self.model.from_db(self.database, self.names, row))
                continue
            instance = self.model.from_db(self.database, self.names, row[:fields])
            for name, value in zip(self.annotations, row[fields:], strict=True):
                setattr(instance, name, value)
            found.append(instance)
        return found


def compile_once(queryset: QuerySet, markers: list) -> Statement:
    """`queryset`'s statement, whose last parameters must be `markers` (values no row has,
    put where the real values will go)."""
    database = queryset.db
    compiler = queryset.query.get_compiler(database)
    sql, params = compiler.as_sql()
    count = len(markers)
    if list(params[len(params) - count :]) != list(markers):
        raise AssertionError("the values that change are not the statement's last parameters")
    columns = [column for column, _, _ in compiler.select]
    # The ORM selects a queryset's annotations after its fields (annotation_col_map).
    annotations = sorted(compiler.annotation_col_map.items(), key=lambda item: item[1])
    fields = len(columns) - len(annotations)
    if [position for _, position in annotations] != list(range(fields, len(columns))):
        raise AssertionError("the annotations are not the statement's last columns")
    return Statement(
        model=queryset.model,
        database=database,
        sql=sql,
        fixed=tuple(params[: len(params) - count]),
        names=[column.target.attname for column in columns[:fields]],
        converters=list(compiler.get_converters(columns).items()),
        annotations=tuple(name for name, _ in annotations),
    )
