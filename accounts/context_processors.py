from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts import policy
from accounts.models import Organisation


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisation's name, logo and contacts, which every page's header and footer show.

    Looked up when a page first shows it: a view that has already looked it up passes its
    own `organisation`, and the page asks the database once, not twice.
    """
    return {
        "organisation": SimpleLazyObject(Organisation.current),
        "can_use_two_factor": policy.can_use_two_factor(request.user),
    }
