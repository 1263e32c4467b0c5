""" "You said, we did": the page, its entries, the people credited, subscribers by email and
"was this helpful?".

The page never shows a name unless that person said yes. Subscribing needs no account:
nothing is sent until the address is confirmed from the first email (double opt-in), and
every email has a link that unsubscribes in one step.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from coproduce.lib.concurrency import save_if_unchanged
from coproduce.lib.email import email_send
from coproduce.lib.urls import site_root
from decisions.models import Credit, Entry, PublicPage, Subscriber
from meetings.notify import members_tell
from projects.models import Project


def page_for(project: Project) -> PublicPage:
    return PublicPage.objects.get_or_create(project=project)[0]


@transaction.atomic
def public_page_save(
    *,
    project: Project,
    actor: User,
    is_published: bool,
    introduction: str,
    expected_version: int | None = None,
) -> PublicPage:
    """Save the page settings. With `expected_version` (the version the person saw),
    StaleEdit if someone else saved them since."""
    page = page_for(project)
    was_published = page.is_published
    page.is_published = is_published
    page.introduction = introduction
    if is_published and not was_published:
        page.published_at = timezone.now()
    save_if_unchanged(
        page,
        expected_version=page.version if expected_version is None else expected_version,
        fields=["is_published", "introduction", "published_at"],
    )
    if was_published != is_published:
        AuditEvent.record(
            actor=actor,
            action="public_page.published" if is_published else "public_page.hidden",
            summary=(
                _("Made the “you said, we did” page public")
                if is_published
                else _("Took the “you said, we did” page down")
            ),
            project=project,
        )
    return page


def _public_url(project: Project, base_url: str | None) -> str:
    return site_root(base_url) + reverse("decisions:public_page", args=[project.pk])


def one_click_unsubscribe(url: str) -> dict[str, str]:
    """The headers (RFC 8058) that let a mail program show its own "Unsubscribe" button.

    The program POSTs `List-Unsubscribe=One-Click` to the address, with no cookie: the
    secret token in the address is what says who is unsubscribing (see views.unsubscribe).
    Without the site's address (no request, no SITE_URL) there is no full address to give,
    so no headers: a mail program cannot use a partial one.
    """
    if not url.startswith(("https://", "http://")):
        return {}
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@transaction.atomic
def entry_save(
    *,
    entry: Entry,
    actor: User,
    credited: Iterable[User] = (),
    base_url: str | None = None,
    expected_version: int | None = None,
) -> list[User]:
    """Add or change an entry. The members credited are told (and asked whether to show
    their name); when the page is public, subscribers hear of a new entry.

    A change from a form names the version it started from: StaleEdit if someone saved first.
    Returns who must be told by other means than email.
    """
    adding = entry.pk is None
    if adding:
        entry.created_by = actor
    if not adding and expected_version is not None:
        fields = [
            *("source", "you_said", "we_did", "change_status", "decision", "proposal", "thought")
        ]
        save_if_unchanged(entry, expected_version=expected_version, fields=fields)
    else:
        entry.save()
    AuditEvent.record(
        actor=actor,
        action="entry.added" if adding else "entry.changed",
        summary=(
            _("Added to “you said, we did”: %(text)s")
            if adding
            else _("Changed an entry in “you said, we did”: %(text)s")
        )
        % {"text": entry.you_said[:100]},
        project=entry.project,
    )
    new_people = [
        user for user in credited if not Credit.objects.filter(entry=entry, user=user).exists()
    ]
    Credit.objects.bulk_create(
        Credit(entry=entry, user=user, told_at=timezone.now()) for user in new_people
    )
    root = site_root(base_url)
    to_contact = members_tell(
        users=new_people,
        template="entry_credit",
        context={
            "entry": entry,
            "project": entry.project,
            "credit_url": root + reverse("decisions:credit", args=[entry.pk]),
            "page_url": _public_url(entry.project, base_url),
        },
        essential=True,
    )
    page = PublicPage.objects.filter(project=entry.project).first()
    if adding and page is not None and page.is_published:
        for subscriber in Subscriber.objects.filter(
            project=entry.project, confirmed_at__isnull=False, unsubscribed_at__isnull=True
        ):
            unsubscribe_url = root + reverse(
                "decisions:unsubscribe", args=[subscriber.unsubscribe_token]
            )
            email_send(
                to=[subscriber.email],
                template="entry_new",
                context={
                    "entry": entry,
                    "project": entry.project,
                    "page_url": _public_url(entry.project, base_url),
                    "unsubscribe_url": unsubscribe_url,
                },
                headers=one_click_unsubscribe(unsubscribe_url),
            )
    return to_contact


@transaction.atomic
def credit_answer(*, credit: Credit, name_shown: bool) -> None:
    credit.name_shown = name_shown
    credit.answered_at = timezone.now()
    credit.save(update_fields=["name_shown", "answered_at"])


def entry_helpful(*, entry: Entry, helpful: bool) -> None:
    """Count one answer to "was this helpful?". Nothing about who answered is kept."""
    field = "helpful_yes" if helpful else "helpful_no"
    Entry.objects.filter(pk=entry.pk).update(**{field: F(field) + 1})


# ---------------------------------------------------------------------------------------------
# Subscribing by email


def subscribe(*, project: Project, email: str, base_url: str | None = None) -> None:
    """Send the confirmation email. Someone already subscribed gets nothing new, and the
    page says the same either way, so nobody learns whose address is on the list."""
    email = email.strip()
    existing = (
        Subscriber.objects.filter(
            project=project, email__iexact=email, unsubscribed_at__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if existing is not None and existing.confirmed_at is not None:
        return
    if existing is None:
        try:
            with transaction.atomic():
                existing = Subscriber.objects.create(project=project, email=email)
        except IntegrityError:
            return
    root = site_root(base_url)
    email_send(
        to=[existing.email],
        template="subscription_confirm",
        context={
            "project": project,
            "confirm_url": root
            + reverse("decisions:subscription_confirm", args=[existing.confirm_token]),
        },
    )


def subscription_by_token(token: str, *, field: str) -> Subscriber | None:
    return (
        Subscriber.objects.select_related("project")
        .filter(**{field: token}, unsubscribed_at__isnull=True)
        .first()
    )


def subscription_confirm(*, subscriber: Subscriber) -> bool:
    return bool(
        Subscriber.objects.filter(pk=subscriber.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )
    )


def unsubscribe(*, subscriber: Subscriber) -> bool:
    return bool(
        Subscriber.objects.filter(pk=subscriber.pk, unsubscribed_at__isnull=True).update(
            unsubscribed_at=timezone.now()
        )
    )
