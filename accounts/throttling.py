"""Limits on guessing: failed sign-ins, password reset requests and invitation links.

Counts are kept per account (the email address typed) and per client address in the shared
cache, a database table by default, so every app server sees the same counts and a restart
forgets nothing. An account or address that reaches its limit is locked for the limit's
window; a successful password reset lifts an account's lock.

Two requests failing at the same instant can be counted once (the cache has no atomic
update): the limits stay within one or two attempts of their number.
"""

import datetime
import functools
import hashlib
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from typing import Concatenate

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


@dataclass(frozen=True)
class Limit:
    """At most `attempts` within `window`; reaching it locks for `window`."""

    name: str
    attempts: int
    window: datetime.timedelta


FIFTEEN_MINUTES = datetime.timedelta(minutes=15)
AN_HOUR = datetime.timedelta(hours=1)

SIGN_IN_PER_ACCOUNT = Limit("sign-in-account", attempts=5, window=FIFTEEN_MINUTES)
# Higher: a day centre or an office signs many people in from one address.
SIGN_IN_PER_ADDRESS = Limit("sign-in-address", attempts=30, window=FIFTEEN_MINUTES)
RESET_PER_ACCOUNT = Limit("reset-account", attempts=5, window=AN_HOUR)
RESET_PER_ADDRESS = Limit("reset-address", attempts=20, window=AN_HOUR)
INVITATION_PER_ADDRESS = Limit("invitation-address", attempts=20, window=FIFTEEN_MINUTES)


def client_address(request: HttpRequest) -> str:
    """The address the request came from: the proxy's header only when one is configured."""
    address = str(request.META.get("REMOTE_ADDR", ""))
    header = settings.CLIENT_ADDRESS_HEADER
    if not header:
        return address
    value = str(request.META.get("HTTP_" + header.upper().replace("-", "_"), ""))
    hops = [hop.strip() for hop in value.split(",") if hop.strip()]
    if not hops:
        return address
    # Each trusted proxy appends the address it saw; anything further left the client wrote.
    candidate = hops[-min(settings.TRUSTED_PROXY_COUNT, len(hops))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return address


def _key(limit: Limit, subject: str) -> str:
    # Hashed: cache keys must be short and plain, and the table then holds no addresses.
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()
    return f"throttle:{limit.name}:{digest}"


def locked_until(limit: Limit, subject: str) -> datetime.datetime | None:
    until = cache.get(_key(limit, subject) + ":locked")
    if isinstance(until, datetime.datetime) and until > timezone.now():
        return until
    return None


def record_attempt(limit: Limit, subject: str) -> datetime.datetime | None:
    """Count one attempt; when it reaches the limit, lock and return until when."""
    key = _key(limit, subject)
    now = timezone.now()
    count, window_ends = cache.get(key, (0, now + limit.window))
    if window_ends <= now:
        count, window_ends = 0, now + limit.window
    count += 1
    if count >= limit.attempts:
        until = now + limit.window
        cache.set(key + ":locked", until, timeout=limit.window.total_seconds())
        cache.delete(key)
        return until
    cache.set(key, (count, window_ends), timeout=(window_ends - now).total_seconds())
    return None


def clear(limit: Limit, subject: str) -> bool:
    """Forget the attempts and lift any lock; says whether there was a lock."""
    key = _key(limit, subject)
    was_locked = locked_until(limit, subject) is not None
    cache.delete_many([key, key + ":locked"])
    return was_locked


def time_of_day(moment: datetime.datetime) -> str:
    """ "2:35pm", as GOV.UK writes times, in the organisation's time zone."""
    # Rounded up to the minute, so that trying again at the time shown works.
    local = timezone.localtime(moment + datetime.timedelta(seconds=59)).replace(second=0)
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}{'am' if local.hour < 12 else 'pm'}"


def per_address[**P](
    limit: Limit,
) -> Callable[
    [Callable[Concatenate[HttpRequest, P], HttpResponse]],
    Callable[Concatenate[HttpRequest, P], HttpResponse],
]:
    """Limit a public page that takes a secret in its address, such as an invitation link.

    Every form sent and every address that finds nothing counts; at the limit the page says
    when to try again.
    """

    def decorator(
        view: Callable[Concatenate[HttpRequest, P], HttpResponse],
    ) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
        @functools.wraps(view)
        def limited(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            address = client_address(request)
            if until := locked_until(limit, address):
                return render(request, "throttled.html", {"until": time_of_day(until)}, status=429)
            if request.method == "POST":
                record_attempt(limit, address)
            try:
                return view(request, *args, **kwargs)
            except Http404:
                record_attempt(limit, address)
                raise

        return limited

    return decorator
