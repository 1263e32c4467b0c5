"""Telling members about meetings, each the way they asked to be told.

Everyone records how we contact them (email, text, phone, post) and how often
(`people.Profile.channels` and `frequency`). The rules:

- Someone gets an email when they accept email and have a working address. People who have
  not chosen any way yet get email too: it is how they joined, and their address is known.
- Everyone else (text, phone or post only, or no working address) is handed back to the
  caller, so an organiser can contact them by hand: their pages list these people.
- Essential messages (invitations, changes of date, time, place or format, cancellations,
  the reminder the day before, anything about their own money) go at once to everyone,
  whatever how often they asked to hear from us: a cancellation or a change within 48 hours
  is always urgent, and a change further ahead carries the calendar update.
- Other messages (earlier reminders, late papers, reminders to answer, news of proposals)
  go at once to people who want to hear as each thing happens. For people who want one
  message a day or a week at most they are held (`HeldMessage`, or a `PaperNotice` held for
  the digest) and their next daily or weekly message carries them all (`meetings.digest`).
  `message_way` is that rule, for every message.
- People whose account is switched off get nothing.
- Format: each email knows which paper formats the person needs (from their access
  requirements), so it can point them to those versions, and it is set in larger type for
  people who need large print. People who need easy read get the easy-read version of the
  email where there is one (`<template>_easy_read.*`): short sentences, one idea a line.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Organisation, User
from coproduce.lib.email import Attachment, email_send
from meetings.models import FORMAT_FOR_NEED, HeldMessage, NoticeWay, PaperFormat
from people.contact import DIGEST_FREQUENCIES as DIGEST_FREQUENCIES
from people.contact import accepts_email as accepts_email
from people.contact import contact_way
from people.contact import display_name as display_name
from people.models import AccessNeed, Profile

# Where a held message's line in the digest points: the first of these its email had.
DIGEST_LINKS = ("proposal_url", "decision_url", "log_url", "cooling_off_url", "meeting_url")


def message_way(user: User, profile: Profile | None, *, essential: bool) -> NoticeWay:
    """How one message reaches this person: by email now, held for their digest, or by hand
    (`people.contact.contact_way`, the rule every app shares)."""
    return NoticeWay(contact_way(user, profile, essential=essential))


def formats_of(users: Iterable[User]) -> dict[int, set[str]]:
    """The paper formats each person needs, from their access requirements, in one query."""
    formats: dict[int, set[str]] = {}
    for user_id, code in AccessNeed.objects.filter(
        user__in=[user.pk for user in users], need_type__code__in=list(FORMAT_FOR_NEED)
    ).values_list("user_id", "need_type__code"):
        formats.setdefault(user_id, set()).add(FORMAT_FOR_NEED[code])
    return formats


def format_labels(formats: set[str]) -> list[str]:
    return [str(label) for value, label in PaperFormat.choices if value in formats]


def calendar_method(ics: str) -> str:
    """REQUEST or CANCEL, as the calendar file itself says."""
    for line in ics.splitlines():
        if line.startswith("METHOD:"):
            return line.removeprefix("METHOD:").strip()
    return "REQUEST"


def members_tell(
    *,
    users: Iterable[User],
    template: str,
    context: Mapping[str, Any],
    essential: bool = True,
    ics: Callable[[User], str] | None = None,
    personal: Callable[[User], Mapping[str, Any]] | None = None,
) -> list[User]:
    """Email each person who takes email; return those to contact by text, phone or post.

    A message that is not `essential` is held instead for people who want a daily or weekly
    message (see `message_way`): its subject and link wait for their digest.

    `template` names `templates/emails/<template>.*`; each person's context adds `person`,
    `name` (what they like to be called), `formats` (the labels of the paper formats they
    need) and `large_print`. `ics` makes the calendar file for a person, attached with the
    method (REQUEST or CANCEL) the file states. `personal` adds what is for that person
    alone (their own access requirements at a meeting, say).
    """
    people = [user for user in users if user.is_active]
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.filter(user__in=[user.pk for user in people])
    }
    formats = formats_of(people)
    organisation = Organisation.current()
    by_other_means: list[User] = []
    held: list[HeldMessage] = []
    for person in people:
        profile = profiles.get(person.pk)
        way = message_way(person, profile, essential=essential)
        if way == NoticeWay.BY_HAND:
            by_other_means.append(person)
            continue
        own = {
            "organisation": organisation,
            **context,
            "person": person,
            "name": display_name(person, profile),
            "formats": format_labels(formats.get(person.pk, set())),
            "large_print": PaperFormat.LARGE_PRINT in formats.get(person.pk, set()),
            **(personal(person) if personal is not None else {}),
        }
        if way == NoticeWay.DIGEST:
            held.append(_held(person, template, own))
            continue
        attachments: list[Attachment] = []
        if ics is not None:
            calendar = ics(person)
            attachments.append(
                ("meeting.ics", calendar, f"text/calendar; method={calendar_method(calendar)}")
            )
        email_send(
            to=[person.email],
            template=template,
            context=own,
            attachments=attachments,
            easy_read=PaperFormat.EASY_READ in formats.get(person.pk, set()),
        )
    HeldMessage.objects.bulk_create(held)
    return by_other_means


def _held(person: User, template: str, context: Mapping[str, Any]) -> HeldMessage:
    subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
    link = next((str(context[key]) for key in DIGEST_LINKS if context.get(key)), "")
    return HeldMessage(
        user=person, subject=subject[:300], link=link[:500], created_at=timezone.now()
    )
