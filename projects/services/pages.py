"""What a project's overview and members list read, written in SQL.

These are the pages members open most, and the ORM took several times longer to compile
their queries than the database took to answer them. A few queries each, whatever the size
of the group. Each query follows the ORM's meaning of the names it uses (`current()`,
`in_effect()`, `in_state(OPEN)`, `icontains`); the pages' tests hold them to it.
"""

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.translation import get_language

from coproduce.lib.choices import choice_labels
from projects.models import LEADING_ROLES, Membership, Project

# Current members (`MembershipQuerySet.current`) by type, those with a pause in effect
# (`MembershipPauseQuerySet.in_effect`), and whether the viewer is one of them.
MAKE_UP_SQL = (
    "SELECT m.member_type, COUNT(*), COUNT(p.membership_id),"
    " COUNT(CASE WHEN m.id = %s THEN p.membership_id END)"
    " FROM projects_membership m LEFT JOIN"
    " (SELECT DISTINCT membership_id FROM projects_membershippause"
    " WHERE ended_at IS NULL AND (return_on IS NULL OR return_on > %s)) p"
    " ON p.membership_id = m.id"
    " WHERE m.project_id = %s AND m.left_at IS NULL GROUP BY m.member_type"
)

# Frustrations waiting for a response (`in_state(OPEN)`), and whether the viewer has
# answered the equality questions and said what they expect.
ASKS_SQL = (
    "SELECT (SELECT COUNT(*) FROM projects_frustration"
    " WHERE project_id = %s AND responded_at IS NULL),"
    " EXISTS(SELECT 1 FROM projects_equalityreceipt WHERE project_id = %s AND user_id = %s),"
    " EXISTS(SELECT 1 FROM projects_expectation WHERE project_id = %s AND user_id = %s)"
)

# The current members who lead the group (a role of LEADING_ROLES), in the order of
# `Membership.Meta.ordering`.
LEADERS_SQL = (
    "SELECT u.full_name, m.role FROM projects_membership m"
    " JOIN accounts_user u ON u.id = m.user_id"
    " WHERE m.project_id = %s AND m.left_at IS NULL AND m.role IN (%s, %s, %s)"
    " ORDER BY u.full_name, m.id"
)


@dataclass(frozen=True)
class Overview:
    by_type: dict[str, int]
    paused_by_type: Counter[str]
    viewer_paused: bool
    frustrations_open: int
    viewer_answered_equality: bool
    viewer_expects: bool
    # Each leader's name and role, as the page shows them.
    leaders: list[tuple[str, str]]


def overview_of(project: Project, viewer: Membership | None) -> Overview:
    """The figures of `project`'s overview, as `viewer` (None: someone not in it) sees them."""
    today = connection.ops.adapt_datefield_value(timezone.localdate())
    member, user = (viewer.pk, viewer.user_id) if viewer else (None, None)
    with connection.cursor() as cursor:
        cursor.execute(MAKE_UP_SQL, [member, today, project.pk])
        make_up = cursor.fetchall()
        cursor.execute(ASKS_SQL, [project.pk, project.pk, user, project.pk, user])
        frustrations_open, answered_equality, expects = cursor.fetchone()
        cursor.execute(LEADERS_SQL, [project.pk, *sorted(LEADING_ROLES)])
        leaders = cursor.fetchall()
    roles = choice_labels(Membership._meta.get_field("role"), get_language())
    return Overview(
        by_type={member_type: n for member_type, n, _paused, _viewer in make_up},
        paused_by_type=Counter({member_type: paused for member_type, _n, paused, _ in make_up}),
        viewer_paused=any(viewer_paused for *_counts, viewer_paused in make_up),
        frustrations_open=frustrations_open,
        viewer_answered_equality=bool(answered_equality),
        viewer_expects=bool(expects),
        leaders=[(name, roles[role]) for name, role in leaders],
    )


# What the members list counts and shows: current members, whose name has the search in
# it (as `icontains`) when there is one, in the order of `Membership.Meta.ordering`.
MEMBERS_FROM = (
    " FROM projects_membership m JOIN accounts_user u ON u.id = m.user_id"
    " WHERE m.project_id = %s AND m.left_at IS NULL"
)
MEMBERS_SEARCHED = " AND UPPER(u.full_name) LIKE UPPER(%s) ESCAPE '\\'"
MEMBERS_SQL = (
    "SELECT m.id, m.user_id, u.full_name, u.email, m.member_type, m.role,"
    " (SELECT pr.share_access_with_group FROM people_profile pr WHERE pr.user_id = u.id),"
    " EXISTS(SELECT 1 FROM projects_membershippause mp WHERE mp.membership_id = m.id"
    " AND mp.ended_at IS NULL AND (mp.return_on IS NULL OR mp.return_on > %s))"
)


@dataclass(frozen=True)
class MemberRow:
    pk: int
    user_id: int
    full_name: str
    email: str
    member_type: str
    role: str
    shares_access_with_group: bool
    is_paused: bool


class MemberRows:
    """A project's members for a paginator (`count()`, then a slice), in two queries."""

    def __init__(self, project: Project, search: str = "") -> None:
        self.where = MEMBERS_FROM + (MEMBERS_SEARCHED if search else "")
        pattern = f"%{connection.ops.prep_for_like_query(search)}%"
        self.params: list[int | str] = [project.pk, pattern] if search else [project.pk]

    def count(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT COUNT(*)" + self.where, self.params)
            found: int = cursor.fetchone()[0]
        return found

    def __getitem__(self, part: slice) -> list[MemberRow]:
        start = part.start or 0
        if part.stop <= start:  # an empty page, as for no members: nothing to ask
            return []
        today = connection.ops.adapt_datefield_value(timezone.localdate())
        with connection.cursor() as cursor:
            cursor.execute(
                MEMBERS_SQL + self.where + " ORDER BY u.full_name, m.id LIMIT %s OFFSET %s",
                [today, *self.params, part.stop - start, start],
            )
            rows = cursor.fetchall()
        return [
            MemberRow(pk, user, name, email, member_type, role, bool(shares), bool(paused))
            for pk, user, name, email, member_type, role, shares, paused in rows
        ]
