"""Lengths of time and moments in words, and an agenda's longest run without a break.

Small pure helpers shared by the agenda, the access plan, the model's own checks and the
pages after a meeting. They import nothing from the app, so every one of those can use them
without importing another.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Protocol

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class Timed(Protocol):
    """What an agenda item needs here: how long it takes and whether it is a break."""

    @property
    def minutes(self) -> int: ...

    @property
    def is_break(self) -> bool: ...


def duration_words(minutes: int) -> str:
    """2 hours 10 minutes, 1 hour, 45 minutes."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours})
    if rest or not hours:
        parts.append(ngettext("%(n)s minute", "%(n)s minutes", rest) % {"n": rest})
    return " ".join(parts)


def longest_stretch_without_break(items: Iterable[Timed]) -> tuple[int, int]:
    """The longest run of items with no break between them: (minutes, minutes from start)."""
    longest, longest_from = 0, 0
    current, current_from, offset = 0, 0, 0
    for item in items:
        if item.is_break:
            current, current_from = 0, offset + item.minutes
        else:
            current += item.minutes
            if current > longest:
                longest, longest_from = current, current_from
        offset += item.minutes
    return longest, longest_from


def time_on_day(moment: datetime.datetime) -> str:
    """16:00 on 3 March, in the site's time zone."""
    local = timezone.localtime(moment)
    return _("%(time)s on %(day)s") % {
        "time": formats.date_format(local, "H:i"),
        "day": formats.date_format(local, "j F"),
    }
