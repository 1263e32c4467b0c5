"""What privacy keeps about a person: the notices they agreed to and their requests to have
their data deleted.

Erasure deletes their agreements and every email still queued for them, or kept after
sending, in the task queue; a completed request stays, without its reason, as the record
that we did what they asked.
"""

from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from coproduce.lib.personal_data import Section
from privacy.models import Consent, ErasureRequest, PrivacyNotice

MODELS = (Consent, ErasureRequest, DBTaskResult)
KEPT = {PrivacyNotice: _("who published a version of the privacy notice")}


def export(user: User) -> list[Section]:
    consents = Consent.objects.filter(user=user).select_related("notice")
    return [
        Section(
            key="consents",
            title=_("Privacy notices you agreed to"),
            columns=[("privacy_notice_version", _("Version")), ("given_at", _("Agreed"))],
            rows=[
                {"privacy_notice_version": consent.notice.version, "given_at": consent.given_at}
                for consent in consents
            ],
        ),
        Section(
            key="erasure_requests",
            title=_("Your requests to delete your data"),
            columns=[
                ("requested_at", _("Asked")),
                ("reason", _("Reason")),
                ("status", _("Status")),
                ("decision_note", _("Note from us")),
            ],
            rows=[
                {
                    "requested_at": request.requested_at,
                    "reason": request.reason,
                    "status": request.get_status_display(),
                    "decided_at": request.decided_at,
                    "decision_note": request.decision_note,
                }
                for request in ErasureRequest.objects.filter(user=user)
            ],
        ),
    ]


def erase(user: User) -> None:
    Consent.objects.filter(user=user).delete()
    # Queued emails carry the address and the message; none of them is still worth sending.
    DBTaskResult.objects.annotate(text=Cast("args_kwargs", TextField())).filter(
        text__icontains=user.email
    ).delete()
