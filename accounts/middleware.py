from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.functional import LazyObject
from django.utils.translation import gettext as _

from accounts import signing_in
from accounts.models import User

# What someone who must set up two-step sign-in can still reach before they have.
SET_UP_PAGES = {
    "accounts:two_factor_set_up",
    "accounts:two_factor_recovery_codes",
    "accounts:sign_out",
}


class SessionActivity:
    """Keeps a signed-in session alive while it is used, so it ends only when left idle,
    and sends people the organisation requires two-step sign-in of to set it up first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if isinstance(user, User):
            signing_in.session_touch(request, user)
        if isinstance(user, LazyObject):
            # Looked up just now anyway: hand on the person rather than Django's lazy wrapper,
            # which costs an indirection each of the hundred or more times a page reads it.
            request.user = user._wrapped
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.session.get(signing_in.TWO_FACTOR_NEEDED):
            return None
        match = request.resolver_match
        if match is None or match.view_name in SET_UP_PAGES:
            return None
        messages.info(
            request, _("Your organisation asks you to set up two-step sign-in before you go on.")
        )
        return redirect("accounts:two_factor_set_up")
