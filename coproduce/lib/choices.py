"""Choice labels worked out once per field and language, not on every call.

Django's `get_FOO_display()` builds a dict of the field's choices and turns the lazily
translated label into text on every call; a page listing 40 rows with three such fields
made over a hundred of those dicts. Models that list often inherit `CachedChoiceLabels`,
whose `_get_FIELD_display` (which Django's `get_FOO_display` calls) reads a map kept per
field and language. The labels are translated in the language active at the time, so a
person reading in Welsh gets Welsh labels from a map of their own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.db.models import Field
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language


@cache
def choice_labels(field: Field[Any, Any], language: str | None) -> dict[Any, str]:
    """The field's choices as {value: label}, the labels as text in `language`."""
    return {make_hashable(value): str(label) for value, label in field.flatchoices}


class CachedChoiceLabels:
    """Mixin for models: `get_FOO_display()` from a map made once per field and language."""

    def _get_FIELD_display(self, field: Field[Any, Any]) -> Any:
        value = getattr(self, field.attname)
        try:
            return choice_labels(field, get_language())[make_hashable(value)]
        except (KeyError, TypeError):
            return force_str(value, strings_only=True)
