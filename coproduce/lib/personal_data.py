"""The shape every app's `personal_data.export(user)` returns.

Each app that keeps something about a person says what it keeps as sections: a heading, the
columns, and the rows. The privacy app puts every app's sections together, as one JSON file
and as one readable page, so an app adds its data to the download without touching either.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import F, Model, Q
from django.utils.functional import Promise
from django.utils.text import capfirst
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


# What a person's name becomes in free text when an administrator removes it before erasure.
NAME_REMOVED = _("[name removed]")
# Around each mention, enough to tell where it is without showing the whole text.
SNIPPET_CHARACTERS = 60


@dataclass(frozen=True)
class Mention:
    """One place where free text written by someone names a person.

    `key` says which app, row and field it is in (`meetings.decision:12:text`), so the app
    that keeps the text can remove the name again from that key alone.
    """

    key: str
    where: str
    field: Label
    snippet: str

    @property
    def app_label(self) -> str:
        return self.key.split(".", 1)[0]


def person_terms(*names: str) -> list[str]:
    """The names and addresses to look for: each once, longest first, so a full name is
    replaced before the first name inside it."""
    terms = {name.strip() for name in names if len(name.strip()) >= 3}
    return sorted(terms, key=lambda term: (-len(term), term.lower()))


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    # Whole words only: "Amira" names Amira, "Amiradale" does not.
    return re.compile(
        r"(?<!\w)(" + "|".join(re.escape(term) for term in terms) + r")(?!\w)", re.IGNORECASE
    )


def names_in(text: str, terms: Sequence[str]) -> bool:
    return bool(terms and text and _pattern(terms).search(text))


def name_remove(text: str, terms: Sequence[str]) -> str:
    if not terms or not text:
        return text
    return _pattern(terms).sub(str(NAME_REMOVED), text)


def name_remove_fitting(model: type[Model], field: str, text: str, terms: Sequence[str]) -> str:
    """The text without the name, cut to the column's length: "[name removed]" is longer
    than most names, and a full column must still save."""
    removed = name_remove(text, terms)
    limit = getattr(model._meta.get_field(field), "max_length", None)
    return removed[:limit] if limit else removed


def snippet(text: str, terms: Sequence[str]) -> str:
    found = _pattern(terms).search(text)
    if found is None:
        return ""
    start = max(found.start() - SNIPPET_CHARACTERS, 0)
    end = min(found.end() + SNIPPET_CHARACTERS, len(text))
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def mention_key(instance: Model, field: str) -> str:
    return f"{instance._meta.label_lower}:{instance.pk}:{field}"


def text_filter(fields: Sequence[str], terms: Sequence[str]) -> Q:
    """Rows whose fields may name the person; `names_in` then checks whole words."""
    query = Q()
    for field in fields:
        for term in terms:
            query |= Q(**{f"{field}__icontains": term})
    return query


def describe(instance: Model) -> str:
    """Where a row is, in words: what it is and its own name, shortened."""
    text = str(instance)
    text = text if len(text) <= 80 else text[:79] + "…"
    return f"{capfirst(instance._meta.verbose_name)}: {text}"


def mentions_in(
    mentionable: Mapping[type[Model], Sequence[str]],
    *,
    terms: Sequence[str],
    where: Callable[[Any], str] = describe,
) -> list[Mention]:
    """Every field of these models' rows whose text names the person: one query a model."""
    found = []
    for model, fields in mentionable.items():
        if not terms:
            break
        # Names of rows often show what they belong to: fetched with them, not one by one.
        parents = [f.name for f in model._meta.concrete_fields if f.many_to_one and not f.null]
        rows = model._default_manager.filter(text_filter(fields, terms))
        if parents:
            rows = rows.select_related(*parents)
        for instance in rows.order_by("pk"):
            for field in fields:
                text = str(getattr(instance, field) or "")
                if names_in(text, terms):
                    found.append(
                        Mention(
                            key=mention_key(instance, field),
                            where=where(instance),
                            field=capfirst(
                                getattr(model._meta.get_field(field), "verbose_name", field)
                            ),
                            snippet=snippet(text, terms),
                        )
                    )
    return found


def name_remove_in_place(
    mentionable: Mapping[type[Model], Sequence[str]], *, key: str, terms: Sequence[str]
) -> Model | None:
    """Remove the name from the row and field the key names; the row, or None when that text
    no longer names them. Rows that guard against stale edits count this as an edit, so a
    form opened before it cannot put the name back."""
    label, pk, field = [*key.split(":"), "", ""][:3]
    model = next((m for m in mentionable if m._meta.label_lower == label), None)
    if model is None or field not in mentionable[model]:
        return None
    try:
        instance = model._default_manager.select_for_update().filter(pk=pk).first()
    except (ValueError, ValidationError):
        return None
    if instance is None or not names_in(str(getattr(instance, field) or ""), terms):
        return None
    setattr(instance, field, name_remove_fitting(model, field, getattr(instance, field), terms))
    fields = [field]
    if any(f.name == "version" for f in model._meta.concrete_fields):
        instance.version = F("version") + 1  # type: ignore[attr-defined]
        fields.append("version")
    instance.save(update_fields=fields)
    return instance
