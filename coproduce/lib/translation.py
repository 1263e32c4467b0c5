"""Translated strings remembered per language, so a page asks each catalogue once.

A page says a few hundred `{% translate %}`s, many of them in loops. Each look-up of a
string that has no translation (all of them, in English) walks Django's chain of six
catalogues before giving the string back, which cost a tenth of a busy page's time. Once
installed (by `coproduce.apps`), each language's translation object keeps the answers it
gave. Catalogues are read once per process and never change while it runs, and a
translation object made afresh (as the development server does after a change to a
catalogue) starts with an empty memory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import trans_real

# Strings are the program's own (templates and code), so the memory stays small; the bound
# only guards against code that translates text it was given.
MOST_REMEMBERED = 20_000


def _remembering(gettext: Callable[[Any, str], str]) -> Callable[[Any, str], str]:
    def remembered(self: Any, message: str) -> str:
        memory: dict[str, str] = self.__dict__.setdefault("_remembered", {})
        try:
            return memory[message]
        except KeyError:
            result = gettext(self, message)
            if len(memory) < MOST_REMEMBERED:
                memory[message] = result
            return result

    remembered.remembers = True  # type: ignore[attr-defined]
    return remembered


def remember_translations() -> None:
    """Make each language's translation object remember what it translated (idempotent)."""
    translation_class = trans_real.DjangoTranslation
    if not getattr(translation_class.gettext, "remembers", False):
        translation_class.gettext = _remembering(translation_class.gettext)  # type: ignore[method-assign,assignment]
