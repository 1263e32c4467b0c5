"""The shape every app's `personal_data.export(user)` returns.

Each app that keeps something about a person says what it keeps as sections: a heading, the
columns, and the rows. The privacy app puts every app's sections together, as one JSON file
and as one readable page, so an app adds its data to the download without touching either.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

type Label = str | Promise


@dataclass(frozen=True)
class Section:
    """One part of a person's data.

    `record` sections hold one row (the account, the profile) and show as a list of
    question and answer; `flat` sections hold one value per row (what someone brings) and
    download as a plain list; the rest show as a table.
    """

    key: str
    title: Label
    columns: Sequence[tuple[str, Label]]
    rows: list[dict[str, Any]]
    record: bool = False
    flat: bool = False

    def as_json(self) -> Any:
        if self.record:
            return self.rows[0] if self.rows else None
        if self.flat:
            (column, _label), *_rest = self.columns
            return [row[column] for row in self.rows]
        return self.rows

    @property
    def record_row(self) -> list[tuple[Label, Any]]:
        """The one row of a record section as (label, value) pairs, for the page."""
        row = self.rows[0] if self.rows else {}
        return [(label, row.get(column)) for column, label in self.columns]

    @property
    def table(self) -> list[list[Any]]:
        return [[row.get(column) for column, _label in self.columns] for row in self.rows]


def anonymous_email(user_pk: int) -> str:
    """The address an erased person's records carry instead of theirs: unique, never sent to."""
    return f"erased-{user_pk}@invalid"


# What an erased person's name becomes wherever the group's records keep the row.
FORMER_MEMBER = _("Former member")
