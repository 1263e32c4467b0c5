"""Permission-grid helpers for recruitment: a call to the website group, its questions and
applications.

The call's selection panel is Amira (the `member` persona, who does not lead the group) and
Grace (the `coordinator`). Deborah chairs the group but is not on the panel, and Sam
administers the organisation without belonging to it.
"""

import datetime
from typing import Any

from conftest import Cast
from recruitment.models import (
    Application,
    ApplicationStatus,
    ApplicationStatusChange,
    Call,
    CallQuestion,
    PanelMember,
)


def a_call(cast: Cast) -> Call:
    call = Call.objects.create(
        project=cast.website,
        title="Join our group",
        description="We rebuild the website.",
        closes_on=datetime.date.today() + datetime.timedelta(days=30),
        places=3,
    )
    for user in (cast.member, cast.coordinator):
        PanelMember.objects.create(call=call, user=user)
    return call


def website_call(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.website.pk, "call_pk": a_call(cast).pk}


def the_call_to_apply_to(cast: Cast) -> dict[str, Any]:
    return {"call_pk": a_call(cast).pk}


def a_call_question(cast: Cast) -> dict[str, Any]:
    call = a_call(cast)
    question = CallQuestion.objects.create(call=call, text="Why do you want to join?")
    return {"pk": cast.website.pk, "call_pk": call.pk, "question_pk": question.pk}


def an_application(cast: Cast, status: str = ApplicationStatus.RECEIVED) -> dict[str, Any]:
    call = a_call(cast)
    application = Application.objects.create(
        call=call, full_name="Joseph Mensah", email="joseph@example.org", status=status
    )
    return {"pk": cast.website.pk, "call_pk": call.pk, "application_pk": application.pk}


def an_application_invited_to_talk(cast: Cast) -> dict[str, Any]:
    """Invited to talk and not yet written to, so the letter page shows its form."""
    kwargs = an_application(cast, ApplicationStatus.INVITED)
    ApplicationStatusChange.objects.create(
        application_id=kwargs["application_pk"],
        from_status=ApplicationStatus.SHORTLISTED,
        to_status=ApplicationStatus.INVITED,
        changed_by=cast.coordinator,
    )
    return kwargs
