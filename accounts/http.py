from django.http import HttpRequest

from accounts.models import User


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind `login_required` receives: its user is signed in.

    Views annotate `request` with this type instead of checking the user again, so the type
    checker knows `request.user` is a `User` (the same idea as healthchecks' `hc.lib`).
    """

    user: User
