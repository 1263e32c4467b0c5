"""How a sign-in starts and how long it lasts.

A session ends after the organisation's idle time without a request, unless the person
chose to stay signed in on their device (then 14 days from signing in). The session store
(the database) enforces the end, so every app server agrees; the middleware pushes the end
back as people use the site, writing the session at most once a minute.
"""

import datetime

from django.contrib.auth import login
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import Organisation, User

REMEMBER_FOR = datetime.timedelta(days=14)
# How stale the recorded end may get before a request pushes it back; saves a write per page.
REFRESH_AFTER = datetime.timedelta(minutes=1)
REMEMBERED = "remember_me"
SEEN_AT = "seen_at"


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=Organisation.current().session_idle_minutes)


def session_begin(request: HttpRequest, user: User, *, remember: bool) -> None:
    """Sign `user` in, with a session that ends when idle, or after 14 days if remembered."""
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if remember:
        request.session[REMEMBERED] = True
        request.session.set_expiry(REMEMBER_FOR)
    else:
        session_refresh(request)


def session_refresh(request: HttpRequest) -> None:
    request.session[SEEN_AT] = timezone.now().timestamp()
    request.session.set_expiry(idle_limit())


def session_touch(request: HttpRequest) -> None:
    """Called on each signed-in request: a sign-in in use does not end."""
    if request.session.get(REMEMBERED):
        return
    seen_at = request.session.get(SEEN_AT)
    now = timezone.now().timestamp()
    if not isinstance(seen_at, float) or now - seen_at >= REFRESH_AFTER.total_seconds():
        session_refresh(request)
