"""Who may administer people's privacy: the notice, and decisions on erasure requests."""

from django.contrib.auth.models import AnonymousUser

from accounts.models import User


def can_administer_privacy(user: User | AnonymousUser) -> bool:
    """Publishing the privacy notice and deciding erasure requests."""
    return isinstance(user, User) and user.is_administrator
