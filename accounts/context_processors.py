from typing import Any

from django.http import HttpRequest

from accounts import policy
from accounts.models import Organisation


def organisation(request: HttpRequest) -> dict[str, Any]:
    """The organisation's name, logo and contacts, which every page's header and footer show."""
    return {
        "organisation": Organisation.current(),
        "can_use_two_factor": policy.can_use_two_factor(request.user),
    }
