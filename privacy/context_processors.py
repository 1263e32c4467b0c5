from typing import Any

from django.db.models import Exists, OuterRef
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import User
from privacy.models import Consent, PrivacyNotice


def privacy_consent(request: HttpRequest) -> dict[str, Any]:
    """Whether to ask the person to agree to the current privacy notice.

    One query, and only when a page shows the banner; none for people not signed in.
    """
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "privacy:consent":
        return {}

    def needed() -> bool:
        latest = (
            PrivacyNotice.objects.order_by("-version")
            .annotate(agreed=Exists(Consent.objects.filter(user=user, notice=OuterRef("pk"))))
            .values_list("agreed", flat=True)
            .first()
        )
        return latest is not None and not latest

    return {"privacy_consent_needed": SimpleLazyObject(needed)}
