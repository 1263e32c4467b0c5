"""Every email leaves through here: rendered from a pair of templates, sent by a task.

Rendering happens in the request (where the language and the site's address are known);
sending happens in the task worker so a slow mail server never slows a page down, and
with the database task backend an email queued inside a transaction that rolls back is
never sent.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.mail import EmailMultiAlternatives
from django.tasks import task
from django.template.loader import render_to_string


@task()
def send_email(*, to: list[str], subject: str, text: str, html: str) -> None:
    message = EmailMultiAlternatives(subject=subject, body=text, to=to)
    message.attach_alternative(html, "text/html")
    message.send()


def email_send(*, to: Sequence[str], template: str, context: Mapping[str, Any]) -> None:
    """Queue the email `templates/emails/<template>.{subject.txt,txt,html}` for `to`."""
    subject = " ".join(render_to_string(f"emails/{template}.subject.txt", context).split())
    text = render_to_string(f"emails/{template}.txt", context)
    html = render_to_string(f"emails/{template}.html", context)
    send_email.enqueue(to=list(to), subject=subject, text=text, html=html)
