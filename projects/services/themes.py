"""Themes ranked as equals: members' rankings, the combined order, closing the ranking.

Each member's ranking is one ballot in a Borda count: with n themes, the one they put first
earns n points, the next n - 1, and so on down to 1; a theme they have not placed (added
after they ranked) earns nothing. Every ballot hands out the same points whatever the
member's role, so the chair's ranking weighs exactly what anyone else's does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from projects.models import Membership, Project, Theme, ThemeRank
from projects.sides import LIVED, PROFESSIONAL, experience_side

# A ranking form with more themes than this is more than anyone can weigh up at once; it
# also keeps the ranking page one short list, so it needs no pages.
MAX_THEMES = 20


class ThemesError(Exception):
    """A change to the themes or the ranking that cannot be made, with a message for people."""


@dataclass(frozen=True)
class ThemeResult:
    theme: Theme
    points: int
    place: int | None
    lived_points: int
    lived_place: int | None
    professional_points: int
    professional_place: int | None


def _places(points: dict[int, int], theme_ids: Sequence[int]) -> dict[int, int | None]:
    """Places by points, equal points sharing a place ("1, 2, 2, 4"); None for no points."""
    places: dict[int, int | None] = {}
    ordered = sorted(theme_ids, key=lambda pk: -points.get(pk, 0))
    for index, pk in enumerate(ordered):
        score = points.get(pk, 0)
        if score == 0:
            places[pk] = None
        elif index and score == points.get(ordered[index - 1], 0):
            places[pk] = places[ordered[index - 1]]
        else:
            places[pk] = index + 1
    return places


def theme_results(themes: Sequence[Theme], ranks: Iterable[ThemeRank]) -> list[ThemeResult]:
    """The themes in the group's combined order, with how each side of the group placed them."""
    n = len(themes)
    ballots: dict[int, list[ThemeRank]] = defaultdict(list)
    for rank in ranks:
        ballots[rank.user_id].append(rank)
    totals: Counter[int] = Counter()
    by_side: dict[str, Counter[int]] = {LIVED: Counter(), PROFESSIONAL: Counter()}
    for ballot in ballots.values():
        # By order, not by the stored number, so a removed theme leaves no gap in the points.
        for index, rank in enumerate(sorted(ballot, key=lambda r: r.position)):
            earned = n - index
            totals[rank.theme_id] += earned
            side = experience_side(rank.member_type)
            if side in by_side:
                by_side[side][rank.theme_id] += earned
    ids = [theme.pk for theme in themes]
    place = _places(totals, ids)
    lived = _places(by_side[LIVED], ids)
    professional = _places(by_side[PROFESSIONAL], ids)
    results = [
        ThemeResult(
            theme=theme,
            points=totals[theme.pk],
            place=place[theme.pk],
            lived_points=by_side[LIVED][theme.pk],
            lived_place=lived[theme.pk],
            professional_points=by_side[PROFESSIONAL][theme.pk],
            professional_place=professional[theme.pk],
        )
        for theme in themes
    ]
    # Themes nobody placed go last, in the order they were added.
    return sorted(results, key=lambda r: (r.place is None, r.place or 0))


def _locked(project: Project) -> Project:
    # Locking the project makes a ranking and the closing of the ranking happen one at a time,
    # so no ranking slips in after the close.
    return Project.objects.select_for_update().get(pk=project.pk)


@transaction.atomic
def theme_ranking_save(*, membership: Membership, positions: dict[int, int]) -> None:
    """Replace the member's ranking with `positions` (theme id: 1 for what matters most)."""
    project = _locked(membership.project)
    if project.themes_closed_at is not None:
        raise ThemesError(_("The ranking is closed, so it can no longer be changed."))
    theme_ids = set(Theme.objects.filter(project=project).values_list("pk", flat=True))
    if set(positions) != theme_ids or sorted(positions.values()) != list(
        range(1, len(theme_ids) + 1)
    ):
        raise ThemesError(_("The themes changed while you were ranking them. Rank them again."))
    ThemeRank.objects.filter(project=project, user=membership.user_id).delete()
    ThemeRank.objects.bulk_create(
        ThemeRank(
            project=project,
            theme_id=theme_id,
            user_id=membership.user_id,
            member_type=membership.member_type,
            position=position,
        )
        for theme_id, position in positions.items()
    )
    AuditEvent.record(
        actor=membership.user,
        action="themes.ranked",
        summary=_("Ranked the group's themes"),
        project=project,
    )


@transaction.atomic
def theme_ranking_set_closed(*, project: Project, actor: User, closed: bool) -> bool:
    """Close the ranking (or open it again). False if it already was so: nothing changes."""
    locked = _locked(project)
    if (locked.themes_closed_at is not None) == closed:
        return False
    project.themes_closed_at = timezone.now() if closed else None
    Project.objects.filter(pk=project.pk).update(themes_closed_at=project.themes_closed_at)
    AuditEvent.record(
        actor=actor,
        action="themes.closed" if closed else "themes.reopened",
        summary=_("Closed the ranking of themes") if closed else _("Opened the ranking again"),
        project=project,
    )
    return True
