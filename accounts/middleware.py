from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from accounts import signing_in


class SessionActivity:
    """Keeps a signed-in session alive while it is used, so it ends only when left idle."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signing_in.session_touch(request)
        return self.get_response(request)
