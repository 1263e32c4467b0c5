"""Moving one row up or down a list kept in order by a `position` field."""

from typing import Any

from django.db import models


def move_in_order(siblings: models.QuerySet[Any], row: models.Model, *, up: bool) -> bool:
    """Swap `row` with the one before (`up`) or after it among `siblings`, which includes it.

    Call inside a transaction: the siblings are locked while they are renumbered. Numbering
    from 1 again also mends positions that were equal or had gaps. Returns False, changing
    nothing, when the row is already first (or last).
    """
    rows = list(siblings.select_for_update().order_by("position", "pk"))
    index = next(i for i, each in enumerate(rows) if each.pk == row.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(rows):
        return False
    rows[index], rows[other] = rows[other], rows[index]
    for position, each in enumerate(rows, start=1):
        each.position = position
    siblings.model.objects.bulk_update(rows, ["position"])
    return True
