"""Every email leaves through here: rendered from a pair of templates, sent by a task.

Rendering happens in the request (where the language and the site's address are known);
sending happens in the task worker so a slow mail server never slows a page down, and
with the database task backend an email queued inside a transaction that rolls back is
never sent.
"""

from collections.abc import Mapping, Sequence
from email.message import MIMEPart
from typing import Any, NamedTuple

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskResultStatus, task
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

# A text attachment: (file name, content, content type with any parameters), for example
# ("meeting.ics", "BEGIN:VCALENDAR...", "text/calendar; method=REQUEST").
Attachment = tuple[str, str, str]


class Sender(NamedTuple):
    """Whose name an email goes out in, and where a reply to it goes (empty: nowhere)."""

    from_email: str
    reply_to: str


def email_sender() -> Sender:
    """The sender named by the EMAIL_SENDER setting: a dotted path to a function.

    The organisation whose name emails carry lives in an app above this helper, so the
    helper asks for it by name (as Django asks for the user model) rather than importing it.
    """
    path = getattr(settings, "EMAIL_SENDER", "")
    if not path:
        return Sender(from_email=settings.DEFAULT_FROM_EMAIL, reply_to="")
    sender: Sender = import_string(path)()
    return sender


def _attachment_part(filename: str, content: str, content_type: str) -> MIMEPart:
    """A MIME part that keeps content-type parameters such as a calendar's `method`.

    Calendar programs read `method=REQUEST` or `method=CANCEL` from the content type to
    decide whether to add, update or remove the event; Django's `attach` would drop it.
    """
    kind, _sep, rest = content_type.partition(";")
    maintype, subtype = kind.strip().split("/", 1)
    params = {
        key.strip(): value.strip().strip('"')
        for key, _eq, value in (p.partition("=") for p in rest.split(";"))
        if key.strip() and value.strip()
    }
    part = MIMEPart()
    if maintype == "text":
        part.set_content(
            content,
            subtype=subtype,
            charset="utf-8",
            params=params,
            disposition="attachment",
            filename=filename,
        )
    else:
        part.set_content(
            content.encode(),
            maintype=maintype,
            subtype=subtype,
            params=params,
            disposition="attachment",
            filename=filename,
        )
    return part


@task()
def send_email(
    *,
    to: list[str],
    subject: str,
    text: str,
    html: str,
    attachments: list[list[str]] | None = None,
    from_email: str | None = None,
    reply_to: str = "",
    headers: dict[str, str] | None = None,
) -> None:
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=to,
        from_email=from_email,
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    for filename, content, content_type in attachments or []:
        message.attach(_attachment_part(filename, content, content_type))
    message.send()
    emails_sent_forget()


def emails_sent_forget() -> None:
    """Drop the stored copies of emails already sent: each holds an address and a message.

    A task's result row stays in the database queue after it runs; this one is still running,
    so its own row goes the next time an email is sent. Failed sends stay, to be looked into.
    """
    DBTaskResult.objects.filter(
        task_path=send_email.module_path, status=TaskResultStatus.SUCCESSFUL
    ).delete()


def email_send(
    *,
    to: Sequence[str],
    template: str,
    context: Mapping[str, Any],
    attachments: Sequence[Attachment] = (),
    easy_read: bool = False,
    headers: Mapping[str, str] | None = None,
) -> None:
    """Queue the email `templates/emails/<template>.{subject.txt,txt,html}` for `to`.

    It goes out in the organisation's name with a Reply-To of its contact address (see
    `email_sender`), so a reply reaches a person rather than an unread mailbox.
    `attachments` are text files sent with it, such as a calendar invitation. `easy_read`
    picks the template's easy-read variant, `<template>_easy_read.*`, when there is one.
    `headers` are extra message headers, such as a mailing list's List-Unsubscribe.
    """
    if easy_read and _has_template(f"emails/{template}_easy_read.txt"):
        template = f"{template}_easy_read"
    subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    sender = email_sender()
    extra: dict[str, Any] = {"from_email": sender.from_email, "reply_to": sender.reply_to}
    if attachments:
        # Lists, not tuples: task arguments travel as JSON.
        extra["attachments"] = [list(attachment) for attachment in attachments]
    if headers:
        extra["headers"] = dict(headers)
    send_email.enqueue(to=list(to), subject=subject, text=text, html=html, **extra)


def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True
