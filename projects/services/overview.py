"""What a project's overview counts: who is in the group, who leads it, what waits.

Written in SQL, in three queries whatever the size of the group: the ORM took several times
longer to compile these counts than the database took to answer them, on the page members
open most. Each query follows the ORM's meaning of the names it uses (`current()`,
`in_effect()`, `in_state(OPEN)`); the overview's tests hold them to it.
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


def overview(project: Project, viewer: Membership | None) -> Overview:
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
