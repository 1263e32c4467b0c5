"""Who may do what at the level of the whole organisation. Project rules are in projects.policy."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import Organisation, OrgRole, User

AnyUser = User | AnonymousUser


def can_edit_organisation(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_administrator


def can_read_audit_log(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_administrator


# The organisation roles offered two-step sign-in, and held to it when the organisation
# requires it: the roles that reach other people's personal data. A new role is one line.
TWO_FACTOR_ROLES: frozenset[str] = frozenset(
    {OrgRole.ADMINISTRATOR, OrgRole.COORDINATOR, OrgRole.FINANCE}
)


def can_use_two_factor(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_active and user.org_role in TWO_FACTOR_ROLES


def must_use_two_factor(user: AnyUser, organisation: Organisation) -> bool:
    return organisation.two_factor_required and can_use_two_factor(user)
