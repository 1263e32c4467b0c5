"""Every email leaves through here: rendered from a pair of templates, sent by a task.

Rendering happens in the request (where the language and the site's address are known);
sending happens in the task worker so a slow mail server never slows a page down, and
with the database task backend an email queued inside a transaction that rolls back is
never sent.
"""

from collections.abc import Mapping, Sequence
from email.message import MIMEPart
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.tasks import TaskResultStatus, task
from django.template.loader import render_to_string
from django_tasks_db.models import DBTaskResult

# A text attachment: (file name, content, content type with any parameters), for example
# ("meeting.ics", "BEGIN:VCALENDAR...", "text/calendar; method=REQUEST").
Attachment = tuple[str, str, str]


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
    headers: dict[str, str] | None = None,
) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to, headers=headers)
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
    headers: Mapping[str, str] | None = None,
) -> None:
    """Queue the email `templates/emails/<template>.{subject.txt,txt,html}` for `to`.

    `attachments` are text files sent with it, such as a calendar invitation; `headers` are
    extra message headers, such as a mailing list's List-Unsubscribe.
    """
    subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    extra: dict[str, Any] = {}
    if attachments:
        # Lists, not tuples: task arguments travel as JSON.
        extra["attachments"] = [list(attachment) for attachment in attachments]
    if headers:
        extra["headers"] = dict(headers)
    send_email.enqueue(to=list(to), subject=subject, text=text, html=html, **extra)
