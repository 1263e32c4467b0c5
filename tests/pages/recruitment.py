"""How the accessibility walk reaches the recruitment pages, from the demo: the employment
group's open call for members, its questions and its applications at every stage."""

from typing import Any

from recruitment.models import Application, Call, CallQuestion
from tests.conftest import Demo


def the_employment_call(demo: Demo) -> dict[str, Any]:
    """The demo's open call for members of the employment group."""
    call = Call.objects.get(project=demo.employment)
    return {"pk": demo.employment.pk, "call_pk": call.pk}


def the_employment_call_to_apply_to(demo: Demo) -> dict[str, Any]:
    return {"call_pk": the_employment_call(demo)["call_pk"]}


def an_employment_application(demo: Demo, name: str) -> dict[str, Any]:
    """An application to the employment group's call, from the demo: Joseph Mensah is
    shortlisted and scored, Aisha Begum has been offered a place and not yet written to, Mei
    Lin accepted, Ruth Evans had her letter, and nobody but Kwame has scored Tomasz Nowak."""
    application = Application.objects.get(call__project=demo.employment, full_name=name)
    return the_employment_call(demo) | {"application_pk": application.pk}


def an_employment_call_question(demo: Demo, position: int) -> dict[str, Any]:
    """A question on the employment call's form. Everyone answered the first; nobody has
    answered the fourth, which is optional."""
    question = CallQuestion.objects.filter(call__project=demo.employment).order_by(
        "position", "pk"
    )[position - 1]
    return the_employment_call(demo) | {"question_pk": question.pk}
