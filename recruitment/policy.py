"""Who may do what with calls for members and their applications. Every recruitment view
asks these, through recruitment.lookups.

The people who lead a project run its calls (see `projects.policy`). The members on a call's
selection panel read its applications and score them; leaders who are not on the panel read
the applications and the panel's scores, but do not score.
"""

from accounts.models import User
from projects.models import Membership
from projects.policy import AnyUser, can_manage_project


def can_see_applications(user: AnyUser, membership: Membership | None, *, on_panel: bool) -> bool:
    """Read a call's applications: its leaders, and the members on its selection panel."""
    return can_manage_project(user, membership) or can_assess(user, membership, on_panel=on_panel)


def can_assess(user: AnyUser, membership: Membership | None, *, on_panel: bool) -> bool:
    """Score and write notes on a call's applications: current members on its panel."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return on_panel and membership is not None and membership.is_current
