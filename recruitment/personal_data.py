"""What recruitment keeps about a person: their applications to join a group, the selection
panels they sat on and the scores they gave.

Erasure keeps an application's place in its call's figures without who sent it or what they
wrote, and keeps the panel's scores, which the group's selection rested on.
"""

from django.db.models import Model, Value
from django.db.models.functions import Replace
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.personal_data import (
    FORMER_MEMBER,
    Section,
    anonymous_email,
)
from recruitment.models import (
    Application,
    ApplicationStatusChange,
    Assessment,
    Call,
    CallQuestion,
    PanelMember,
)

MODELS = (Application,)
# Rows that keep pointing at the account after erasure, because they are the group's record.
KEPT = {
    PanelMember: _("who sat on a selection panel"),
    Assessment: _("the scores a panel member gave"),
    ApplicationStatusChange: _("who moved an application on or sent its letter"),
}


def export(user: User) -> list[Section]:
    applications = (
        Application.objects.filter(email__iexact=user.email)
        .select_related("call__project")
        .prefetch_related("call__questions")
    )
    places = PanelMember.objects.filter(user=user).select_related("call__project")
    scores = Assessment.objects.filter(assessor=user).select_related("application__call")
    return [
        Section(
            key="applications",
            title=_("Your applications to join a group"),
            columns=[
                ("call", _("Call")),
                ("project", _("Group")),
                ("submitted_at", _("Sent")),
                ("status", _("Where it is")),
                ("full_name", _("Name")),
                ("email", _("Email")),
                ("phone", _("Phone")),
                ("answers", _("Your answers")),
            ],
            rows=[
                {
                    "call": application.call.title,
                    "project": application.call.project.name,
                    "submitted_at": application.submitted_at,
                    "status": application.get_status_display(),
                    "full_name": application.full_name,
                    "email": application.email,
                    "phone": application.phone,
                    "answers": {
                        question.text: application.answers.get(str(question.pk), "")
                        for question in application.call.questions.all()
                    },
                }
                for application in applications
            ],
        ),
        Section(
            key="selection_panels",
            title=_("Selection panels you sat on"),
            columns=[("call", _("Call")), ("project", _("Group")), ("added_at", _("Added"))],
            rows=[
                {
                    "call": place.call.title,
                    "project": place.call.project.name,
                    "added_at": place.added_at,
                }
                for place in places
            ],
        ),
        Section(
            key="panel_scores",
            title=_("Scores you gave as a panel member"),
            columns=[
                ("call", _("Call")),
                ("application", _("Application number")),
                ("score", _("Score")),
                ("note", _("Your notes")),
                ("updated_at", _("Last changed")),
            ],
            rows=[
                {
                    "call": score.application.call.title,
                    "application": score.application_id,
                    "score": score.score,
                    "note": score.note,
                    "updated_at": score.updated_at,
                }
                for score in scores
            ],
        ),
    ]


def erase(user: User) -> None:
    """An application keeps its place in the call's figures, without who sent it or what
    they wrote; letters sent about it keep their dates, not the name they were addressed to."""
    former = str(FORMER_MEMBER)
    applications = Application.objects.filter(email__iexact=user.email)
    for old in {user.full_name} - {""}:
        for field in ("letter_subject", "letter_body", "note"):
            ApplicationStatusChange.objects.filter(
                application__in=applications, **{f"{field}__contains": old}
            ).update(**{field: Replace(field, Value(old), Value(former))})
    applications.update(full_name=former, email=anonymous_email(user.pk), phone="", answers={})


# Free text others write, where a person may be named: privacy looks in it before erasure.
MENTIONABLE: dict[type[Model], tuple[str, ...]] = {
    Call: ("title", "description"),
    CallQuestion: ("text",),
    Assessment: ("note",),
    ApplicationStatusChange: ("note", "letter_subject", "letter_body"),
}
