"""Who may see and do what with payments.

A person always sees their own payments. The people who lead a project approve the claims
made in it (never their own). Finance puts approved claims into runs and pays them, and is
the only role besides the person that sees bank or voucher details, each time with a reason
that is recorded. Nobody else sees another person's payments.
"""

from accounts.models import User
from projects import policy as project_policy
from projects.models import Membership


def is_finance(user: User) -> bool:
    return user.is_finance


def can_set_rates(user: User) -> bool:
    return user.is_finance


def can_approve_claims(user: User, membership: Membership | None) -> bool:
    """Lead the project: its chair, co-chair or coordinator, or a coordinator of everything."""
    return project_policy.can_manage_project(user, membership)


def can_claim_for_others(user: User, membership: Membership | None) -> bool:
    return project_policy.can_manage_project(user, membership)


def can_see_payment_details(viewer: User, person: User) -> bool:
    return viewer.pk == person.pk or viewer.is_finance
