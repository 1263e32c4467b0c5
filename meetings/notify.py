"""Telling members about meetings, each the way they asked to be told.

Everyone records how we contact them (email, text, phone, post) and how often
(`people.Profile.channels` and `frequency`). The rules:

- Someone gets an email when they accept email and have a working address. People who have
  not chosen any way yet get email too: it is how they joined, and their address is known.
- Everyone else (text, phone or post only, or no working address) is handed back to the
  caller, so an organiser can contact them by hand: their pages list these people.
- Essential messages (invitations, changes, cancellations, the reminder the day before) go
  to everyone, whatever how often they asked to hear from us.
- Non-essential messages (earlier reminders, notices) go to people who want to hear as each
  thing happens or at most daily: ours about any one meeting come at least a day apart.
  People who want one message a week at most do not get them; the day-before reminder is
  essential, so they still get that one.
- People whose account is switched off get nothing.
- Format: each email knows which paper formats the person needs (from their access
  requirements), so it can point them to those versions, and it is set in larger type for
  people who need large print. People who need easy read get the easy-read version of the
  email where there is one (`<template>_easy_read.*`): short sentences, one idea a line.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from accounts.models import Organisation, User
from coproduce.lib.email import Attachment, email_send
from meetings.models import FORMAT_FOR_NEED, PaperFormat
from people.models import AccessNeed, ContactChannel, ContactFrequency, Profile

# Erasure replaces an address with one at this reserved domain, which never receives mail.
UNUSABLE_EMAIL_DOMAIN = "@invalid"


def _has_working_email(user: User) -> bool:
    return bool(user.email) and not user.email.lower().endswith(UNUSABLE_EMAIL_DOMAIN)


def accepts_email(user: User, profile: Profile | None) -> bool:
    channels = list(profile.channels) if profile is not None else []
    return _has_working_email(user) and (not channels or ContactChannel.EMAIL in channels)


def wants_message(profile: Profile | None, *, essential: bool) -> bool:
    if essential or profile is None:
        return True
    return profile.frequency != ContactFrequency.WEEKLY


def display_name(user: User, profile: Profile | None) -> str:
    return profile.display_name if profile is not None else user.full_name


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
    formats: dict[int, set[str]] = {}
    for user_id, code in AccessNeed.objects.filter(
        user__in=[user.pk for user in people], need_type__code__in=list(FORMAT_FOR_NEED)
    ).values_list("user_id", "need_type__code"):
        formats.setdefault(user_id, set()).add(FORMAT_FOR_NEED[code])
    organisation = Organisation.current()
    by_other_means: list[User] = []
    for person in people:
        profile = profiles.get(person.pk)
        if not wants_message(profile, essential=essential):
            continue
        if not accepts_email(person, profile):
            by_other_means.append(person)
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
            context={
                "organisation": organisation,
                **context,
                "person": person,
                "name": display_name(person, profile),
                "formats": [
                    str(label)
                    for value, label in PaperFormat.choices
                    if value in formats.get(person.pk, set())
                ],
                "large_print": PaperFormat.LARGE_PRINT in formats.get(person.pk, set()),
                **(personal(person) if personal is not None else {}),
            },
            attachments=attachments,
            easy_read=PaperFormat.EASY_READ in formats.get(person.pk, set()),
        )
    return by_other_means
