"""Who may do what at the level of the whole organisation. Project rules are in projects.policy."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

AnyUser = User | AnonymousUser


def can_edit_organisation(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_administrator


def can_read_audit_log(user: AnyUser) -> bool:
    return isinstance(user, User) and user.is_administrator
