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


def _remembering(translate: Callable[..., str], name: str) -> Callable[..., str]:
    def remembered(self: Any, *message: Any) -> str:
        memory: dict[tuple[Any, ...], str] = self.__dict__.setdefault(name, {})
        try:
            return memory[message]
        except KeyError:
            result = translate(self, *message)
            if len(memory) < MOST_REMEMBERED:
                memory[message] = result
            return result
        except TypeError:  # a number that cannot be a key
            return translate(self, *message)

    remembered.remembers = True  # type: ignore[attr-defined]
    return remembered


def remember_translations() -> None:
    """Make each language's translation object remember what it translated (idempotent).

    Both single strings and plurals (`{% blocktranslate count %}`, which an agenda says
    once per item): a plural is remembered with its number, of which a page shows few.
    """
    translation_class = trans_real.DjangoTranslation
    if not getattr(translation_class.gettext, "remembers", False):
        translation_class.gettext = _remembering(translation_class.gettext, "_remembered")  # type: ignore[method-assign]
    if not getattr(translation_class.ngettext, "remembers", False):
        translation_class.ngettext = _remembering(  # type: ignore[method-assign]
            translation_class.ngettext, "_remembered_plurals"
        )
