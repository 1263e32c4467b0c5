"""Daily and weekly messages: everything not urgent that was held for a person, in one email.

People who asked for one message a day or a week at most have what is not urgent held for
them (`meetings.notify.message_way`): late papers (`PaperNotice`, way "digest") and every
other message (`HeldMessage`). `manage.py digests_send`, run every hour, sends each person
one email at the time they chose (`Profile.message_time`), every day or on Mondays, carrying
all that was held since their last one. Nobody gets an email when nothing was held.

Nothing goes twice and nothing is lost: the digest row, the claim of every held item (a
foreign key to that one digest, set only where it was empty) and the queued email (a row in
the database task queue) are written in one transaction. Running the command again finds
the items claimed and a digest for that time already there (a unique constraint), so it
sends nothing; a worker restarted before it sent the email finds the task still queued.
Decisions and payments hold theirs through `members_tell`. New ground rules are held by
projects, which sits below meetings (`projects.GroundRulesNotice`, way "digest", `sent_at`
empty): the digest stamps `sent_at` with its own time in the same transaction, which is how
it later knows which notices it carried.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from coproduce.lib.email import email_send
from coproduce.lib.urls import site_root
from meetings.models import Digest, DigestKind, HeldMessage, NoticeWay, PaperFormat, PaperNotice
from meetings.notify import accepts_email, display_name, format_labels, formats_of
from people.contact import ContactWay
from people.models import (
    DEFAULT_MESSAGE_TIME,
    WEEKLY_MESSAGE_WEEKDAY,
    ContactFrequency,
    Profile,
)
from projects.models import GroundRulesNotice


def digest_due(profile: Profile | None, now: datetime.datetime) -> tuple[str, datetime.datetime]:
    """The kind of digest this person gets and the last time one was due, at or before `now`.

    Daily: today at their chosen time, or yesterday if that is still to come. Weekly: the
    last Monday at their time. A run missed (the scheduler was down) is caught up by the next.
    """
    local = timezone.localtime(now)
    chosen = profile.message_time if profile is not None else DEFAULT_MESSAGE_TIME
    due = local.replace(hour=chosen.hour, minute=chosen.minute, second=0, microsecond=0)
    if due > local:
        due -= datetime.timedelta(days=1)
    if profile is not None and profile.frequency == ContactFrequency.WEEKLY:
        due -= datetime.timedelta(days=(due.weekday() - WEEKLY_MESSAGE_WEEKDAY) % 7)
        return DigestKind.WEEKLY, due
    return DigestKind.DAILY, due


def digests_send(*, now: datetime.datetime | None = None, base_url: str = "") -> int:
    """Send every digest that is due; returns how many. Safe to run as often as you like."""
    now = now or timezone.now()
    earliest: dict[int, datetime.datetime] = {}
    for rows in (
        HeldMessage.objects.filter(digest__isnull=True),
        PaperNotice.objects.filter(way=NoticeWay.DIGEST, digest__isnull=True),
        GroundRulesNotice.objects.filter(way=ContactWay.DIGEST, sent_at__isnull=True),
    ):
        for user_id, first in (
            rows.values("user").annotate(first=Min("created_at")).values_list("user", "first")
        ):
            earliest[user_id] = min(first, earliest.get(user_id, first))
    if not earliest:
        return 0
    profiles = {profile.user_id: profile for profile in Profile.objects.filter(user__in=earliest)}
    last_sent = dict(
        Digest.objects.filter(user__in=earliest)
        .values("user")
        .annotate(last=Max("sent_at"))
        .values_list("user", "last")
    )
    sent = 0
    for person in User.objects.filter(pk__in=earliest, is_active=True):
        profile = profiles.get(person.pk)
        if not accepts_email(person, profile):
            # Held until they take email again (or an organiser reads their papers page).
            continue
        kind, due = digest_due(profile, now)
        if earliest[person.pk] > due:
            continue  # Everything waiting came after their last time: it waits for the next.
        last = last_sent.get(person.pk)
        if last is not None and last >= due:
            continue
        if _digest_send(person=person, profile=profile, kind=kind, due=due, now=now, base=base_url):
            sent += 1
    return sent


class _NothingHeld(Exception):
    """Another run claimed everything first: this digest is not needed."""


def _digest_send(
    *,
    person: User,
    profile: Profile | None,
    kind: str,
    due: datetime.datetime,
    now: datetime.datetime,
    base: str,
) -> bool:
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=person, kind=kind, due_at=due, sent_at=now)
            held = HeldMessage.objects.filter(
                user=person, digest__isnull=True, created_at__lte=now
            ).update(digest=digest)
            notices = PaperNotice.objects.filter(
                user=person, way=NoticeWay.DIGEST, digest__isnull=True, created_at__lte=now
            ).update(digest=digest, sent_at=now)
            rules = GroundRulesNotice.objects.filter(
                user=person, way=ContactWay.DIGEST, sent_at__isnull=True, created_at__lte=now
            ).update(sent_at=now)
            if not held and not notices and not rules:
                raise _NothingHeld
            _digest_email(digest=digest, profile=profile, base_url=base)
    except (IntegrityError, _NothingHeld):
        # A digest for this time exists already (another run got there first).
        return False
    return True


@dataclass(frozen=True)
class NewsLine:
    """One line of "other news": a held message, or new ground rules to agree to."""

    created_at: datetime.datetime
    subject: str
    link: str


@dataclass(frozen=True)
class PaperLine:
    notice: PaperNotice
    papers_url: str
    # The formats the person needs, each with whether this paper is in it yet.
    formats: list[tuple[str, bool]]


def _digest_email(*, digest: Digest, profile: Profile | None, base_url: str) -> None:
    person = digest.user
    root = site_root(base_url)
    needs = formats_of([person]).get(person.pk, set())
    notices = (
        PaperNotice.objects.filter(digest=digest)
        .select_related("paper__meeting__project")
        .prefetch_related("paper__versions")
        .order_by("paper__meeting__starts_at", "paper__meeting_id", "paper__published_at")
    )
    papers = []
    for notice in notices:
        have = {version.format for version in notice.paper.versions.all()}
        papers.append(
            PaperLine(
                notice=notice,
                papers_url=root + reverse("meetings:papers", args=[notice.paper.meeting_id]),
                formats=[
                    (str(label), value in have)
                    for value, label in PaperFormat.choices
                    if value in needs
                ],
            )
        )
    email_send(
        to=[person.email],
        template="digest",
        context={
            "organisation": Organisation.current(),
            "digest": digest,
            "weekly": digest.kind == DigestKind.WEEKLY,
            "name": display_name(person, profile),
            "papers": papers,
            "held": _news(digest, root),
            "formats": format_labels(needs),
            "large_print": PaperFormat.LARGE_PRINT in needs,
            "preferences_url": root + reverse("people:preferences"),
        },
        easy_read=PaperFormat.EASY_READ in needs,
    )


def _news(digest: Digest, root: str) -> list[NewsLine]:
    held = [
        NewsLine(created_at=message.created_at, subject=message.subject, link=message.link)
        for message in digest.held_messages.all()
    ]
    rules = [
        NewsLine(
            created_at=notice.created_at,
            subject=_("New ground rules for %(name)s: please say whether you agree")
            % {"name": notice.version.project.name},
            link=root + reverse("projects:ground_rules_agree", args=[notice.version.project_id]),
        )
        for notice in GroundRulesNotice.objects.filter(
            user=digest.user, way=ContactWay.DIGEST, sent_at=digest.sent_at
        ).select_related("version__project")
    ]
    return sorted(held + rules, key=lambda line: line.created_at)
