import functools
from typing import Any

from django.core.cache import caches
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from accounts.models import Organisation, User
from privacy.models import Consent, PrivacyNotice

# The latest version the person is known to have agreed to, so that, once they have, a page
# needs no question to the database to know it. Agreeing is never taken back.
AGREED_KEY = "privacy_agreed_notice"


def privacy_consent(request: HttpRequest) -> dict[str, Any]:
    """Whether to ask the person to agree to the current privacy notice.

    Found with the organisation every page's header and footer show (which this then gives
    the page in place of `accounts`' own) in one question to the shared cache; the database
    is asked only until the person has agreed. Nothing for people not signed in.
    """
    user = getattr(request, "user", None)
    if not isinstance(user, User):
        return {}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name == "privacy:consent":
        return {}

    @functools.cache
    def found() -> tuple[Organisation, bool]:
        kept = caches["kept"].get_many([Organisation.kept_key(), PrivacyNotice.LATEST_KEY])
        return Organisation.remembered(kept), _needed(request, user, PrivacyNotice.latest_pk(kept))

    return {
        "organisation": SimpleLazyObject(lambda: found()[0]),
        "privacy_consent_needed": SimpleLazyObject(lambda: found()[1]),
    }


def _needed(request: HttpRequest, user: User, latest: int | None) -> bool:
    session = getattr(request, "session", {})
    if latest is None or session.get(AGREED_KEY) == latest:
        return False
    if Consent.objects.filter(user=user, notice_id=latest).exists():
        session[AGREED_KEY] = latest
        return False
    return True
