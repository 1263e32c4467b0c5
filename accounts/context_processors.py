from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import policy
from accounts.models import Organisation


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisation's name, logo and contacts, which every page's header and footer show.

    Looked up when a page first shows it, from the shared cache: a view that has already
    looked it up passes its own `organisation`.
    """
    return {
        "organisation": SimpleLazyObject(Organisation.remembered),
        "can_use_two_factor": policy.can_use_two_factor(request.user),
    }
