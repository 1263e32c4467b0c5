"""Small helpers for asking the database.

The hottest lookups (the meeting or project every page of it starts from, with the
person's membership) are joins of four or five tables. Django's ORM took several times as
long to compile such a query as the database took to answer it, so those few are written
in SQL: `columns` lists a model's columns for the SELECT, and `models_of_row` turns a row
back into model instances exactly as the ORM would (`Model.from_db`, with each field's
converters), so the rest of the code cannot tell the difference.
"""

import functools
from collections.abc import Callable, Sequence
from typing import Any

from django.db import connection, models


def only_row[Row: models.Model](rows: models.QuerySet[Row]) -> Row | None:
    """The one row of `rows` (filtered on a unique key), or None. Unlike `first()` this asks
    for no ORDER BY, whose compiling hashes every selected column: a sixth of the time of a
    query that joins several tables."""
    found = list(rows.order_by()[:1])
    return found[0] if found else None


def columns(model: type[models.Model], alias: str) -> str:
    """Every column of `model`, in field order, for a SELECT naming its table `alias`."""
    return _columns(model, alias, connection.vendor)


@functools.cache
def _columns(model: type[models.Model], alias: str, _vendor: str) -> str:
    name = connection.ops.quote_name
    return ", ".join(f"{alias}.{name(str(field.column))}" for field in model._meta.concrete_fields)


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


Converter = Callable[[Any, Any, Any], Any]


@functools.cache
def _reading(
    model: type[models.Model], _alias: str
) -> tuple[list[str], int, list[tuple[int, Any, list[Converter]]]]:
    """How a row of `model` is read on this database: its attribute names, where its primary
    key is, and each column's converters as the ORM applies them. Worked out once a process:
    they follow from the model and the database, and looking them up cost more than the
    query."""
    fields = model._meta.concrete_fields
    converting = []
    for index, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if found:
            converting.append((index, column, found))
    pk_at = next(i for i, field in enumerate(fields) if field.primary_key)
    return [field.attname for field in fields], pk_at, converting


def models_of_row(
    row: Sequence[Any], kinds: Sequence[type[models.Model]]
) -> list[models.Model | None]:
    """The instances of `kinds` whose `columns` the row holds one after another; None for
    each whose primary key is NULL (no row on that side of a LEFT JOIN)."""
    found: list[models.Model | None] = []
    start = 0
    for kind in kinds:
        attnames, pk_at, converting = _reading(kind, connection.alias)
        values = list(row[start : start + len(attnames)])
        start += len(attnames)
        if values[pk_at] is None:
            found.append(None)
            continue
        for index, column, converters in converting:
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        found.append(kind.from_db(connection.alias, attnames, values))
    return found
