from django.http import HttpRequest

from accounts.models import User


def signed_in_user(request: HttpRequest) -> User:
    """The person making a request that `login_required` has already let through."""
    assert isinstance(request.user, User)
    return request.user
