from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class ReadableMethodNotAllowed:
    """Give 405 responses a page a person can read.

    Django's method decorators answer with an empty body, which browsers show as a broken
    page when someone follows a bookmark to an action that only works from a button.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            page = render(request, "405.html", status=405)
            page["Allow"] = response.get("Allow", "")
            return page
        return response
