"""How a sign-in starts, how long it lasts, and the second step for those who have one.

A session ends after the organisation's idle time without a request, unless the person
chose to stay signed in on their device (then 14 days from signing in). The session store
(the database) enforces the end, so every app server agrees; the middleware pushes the end
back as people use the site, writing the session at most once a minute.

Someone with two-step sign-in is not signed in after their password: the session holds who
they are for five minutes while they type the code from their app.
"""

import datetime

from django.contrib.auth import login
from django.http import HttpRequest
from django.utils import timezone

from accounts import policy
from accounts.backends import BACKEND
from accounts.models import Organisation, TwoFactorDevice, User

REMEMBER_FOR = datetime.timedelta(days=14)
# How stale the recorded end may get before a request pushes it back; saves a write per page.
REFRESH_AFTER = datetime.timedelta(minutes=1)
SECOND_STEP_FOR = datetime.timedelta(minutes=5)
REMEMBERED = "remember_me"
SEEN_AT = "seen_at"
# Set while the organisation requires two-step sign-in of someone who has not set it up.
TWO_FACTOR_NEEDED = "two_factor_needed"
PENDING = "two_factor_pending"


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=Organisation.current().session_idle_minutes)


def session_begin(request: HttpRequest, user: User, *, remember: bool) -> None:
    """Sign `user` in, with a session that ends when idle, or after 14 days if remembered."""
    login(request, user, backend=BACKEND)
    if remember:
        request.session[REMEMBERED] = True
        request.session.set_expiry(REMEMBER_FOR)
    session_refresh(request, user)


def session_refresh(request: HttpRequest, user: User) -> None:
    organisation = Organisation.current()
    request.session[SEEN_AT] = timezone.now().timestamp()
    if not request.session.get(REMEMBERED):
        request.session.set_expiry(datetime.timedelta(minutes=organisation.session_idle_minutes))
    needed = (
        policy.must_use_two_factor(user, organisation)
        and not TwoFactorDevice.objects.filter(user=user).exists()
    )
    if needed:
        request.session[TWO_FACTOR_NEEDED] = True
    else:
        request.session.pop(TWO_FACTOR_NEEDED, None)


def session_touch(request: HttpRequest, user: User) -> None:
    """Called on each signed-in request: a sign-in in use does not end."""
    seen_at = request.session.get(SEEN_AT)
    now = timezone.now().timestamp()
    if not isinstance(seen_at, float) or now - seen_at >= REFRESH_AFTER.total_seconds():
        session_refresh(request, user)


def second_step_begin(request: HttpRequest, user: User, *, remember: bool, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "at": timezone.now().timestamp(),
        "remember": remember,
        "next": next_url,
    }


def second_step_user(request: HttpRequest) -> User | None:
    """Who typed the right password in the last five minutes and has a code to type now."""
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict):
        return None
    if timezone.now().timestamp() - pending["at"] > SECOND_STEP_FOR.total_seconds():
        request.session.pop(PENDING, None)
        return None
    return User.objects.filter(pk=pending["user"], is_active=True).first()


def second_step_abandon(request: HttpRequest) -> None:
    request.session.pop(PENDING, None)


def second_step_finish(request: HttpRequest, user: User) -> str:
    """Sign in for real once the code is right; returns where the person was going."""
    pending = request.session.pop(PENDING)
    session_begin(request, user, remember=bool(pending["remember"]))
    return str(pending["next"])
