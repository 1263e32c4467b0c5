"""Small helpers for asking the database."""

from django.db import models


def only_row[Row: models.Model](rows: models.QuerySet[Row]) -> Row | None:
    """The one row of `rows` (filtered on a unique key), or None. Unlike `first()` this asks
    for no ORDER BY, whose compiling hashes every selected column: a sixth of the time of a
    query that joins several tables."""
    found = list(rows.order_by()[:1])
    return found[0] if found else None
