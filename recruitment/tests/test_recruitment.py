from datetime import timedelta
from typing import Any

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import Organisation
from conftest import Cast, client_for
from recruitment import services
from recruitment.models import Application, ApplicationChannel, Call, CallStatus, QuestionKind


def open_call(cast: Cast, **fields: Any) -> Call:
    call = Call(
        **{
            "project": cast.website,
            "title": "Join our website group",
            "description": "We rebuild the website with the people who use it.",
            "closes_on": timezone.localdate() + timedelta(days=30),
            "places": 4,
        }
        | fields
    )
    services.call_open(call=call, actor=cast.coordinator)
    return call


def apply_url(call: Call) -> str:
    return reverse("recruitment:apply", kwargs={"call_pk": call.pk})


def answers_for(call: Call, **overrides: str) -> dict[str, str]:
    data = {"full_name": "Joseph Mensah", "email": "joseph@example.org", "phone": ""}
    for question in call.questions.all():
        data[f"question_{question.pk}"] = (
            question.choice_list()[0] if question.kind == QuestionKind.CHOICE else "Because."
        )
    return data | overrides


def test_it_lets_leaders_open_a_call_with_default_questions(cast: Cast) -> None:
    closes = timezone.localdate() + timedelta(days=60)
    response = client_for(cast.chair).post(
        reverse("recruitment:call_add", kwargs={"pk": cast.website.pk}),
        {
            "title": "Join us",
            "description": "We meet monthly.",
            "closes_on_day": str(closes.day),
            "closes_on_month": str(closes.month),
            "closes_on_year": str(closes.year),
            "places": "5",
        },
    )
    call = Call.objects.get(project=cast.website)
    assert response.status_code == 302
    assert (call.title, call.closes_on, call.places) == ("Join us", closes, 5)
    assert [q.kind for q in call.questions.all()] == ["long", "long", "choice"]
    listing = client_for(cast.chair).get(
        reverse("recruitment:calls", kwargs={"pk": cast.website.pk})
    )
    assert "Join us" in listing.text


def test_it_refuses_a_closing_date_in_the_past(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("recruitment:call_add", kwargs={"pk": cast.website.pk}),
        {
            "title": "Join us",
            "description": "We meet.",
            "closes_on_day": "1",
            "closes_on_month": "1",
            "closes_on_year": "2020",
            "places": "5",
        },
    )
    assert response.status_code == 400
    assert "Closing date must be in the future" in response.text
    assert not Call.objects.exists()


def test_it_lets_anyone_apply_and_emails_them(cast: Cast) -> None:
    call = open_call(cast)
    data = answers_for(call)
    response = client_for(None).post(apply_url(call), data)
    assert response.status_code == 200
    assert "Application sent" in response.text
    application = Application.objects.get(call=call)
    first = call.questions.first()
    assert first is not None
    assert application.answers[str(first.pk)] == "Because."
    assert application.channel == ApplicationChannel.WEB
    assert application.entered_by is None
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["joseph@example.org"]
    assert "Join our website group" in message.subject
    assert message.alternatives


def test_it_says_which_required_answer_is_missing_and_keeps_the_others(cast: Cast) -> None:
    call = open_call(cast)
    first = call.questions.first()
    assert first is not None
    data = answers_for(call, full_name="Typed Name") | {f"question_{first.pk}": ""}
    response = client_for(None).post(apply_url(call), data)
    assert response.status_code == 400
    assert f"Answer “{first.text}”" in response.text
    assert "Typed Name" in response.text
    assert not Application.objects.exists()


def test_it_refuses_a_second_application_with_the_same_email(cast: Cast) -> None:
    call = open_call(cast)
    client_for(None).post(apply_url(call), answers_for(call))
    response = client_for(None).post(apply_url(call), answers_for(call, email="JOSEPH@example.org"))
    assert response.status_code == 400
    assert "You have already applied to this call with this email address" in response.text
    assert Application.objects.count() == 1


def test_it_relies_on_the_constraint_when_two_applications_race(cast: Cast) -> None:
    call = open_call(cast)
    Application.objects.create(call=call, full_name="A", email="a@example.org")
    try:
        services.application_submit(
            call=call, full_name="A", email="A@example.org", phone="", answers={}
        )
    except services.AlreadyApplied:
        pass
    else:
        raise AssertionError("a second application was accepted")


def test_it_shows_a_closed_call_as_closed_and_refuses_applications(cast: Cast) -> None:
    closed = open_call(cast, status=CallStatus.CLOSED)
    past = open_call(cast)
    Call.objects.filter(pk=past.pk).update(closes_on=timezone.localdate() - timedelta(days=1))
    for call in (closed, past):
        assert "This call has closed" in client_for(None).get(apply_url(call)).text
        response = client_for(None).post(apply_url(call), answers_for(call))
        assert response.status_code == 200
        assert "This call has closed" in response.text
    assert not Application.objects.exists()


def test_it_records_who_entered_an_application_and_how(cast: Cast) -> None:
    call = open_call(cast)
    response = client_for(cast.coordinator).post(
        reverse(
            "recruitment:application_enter", kwargs={"pk": cast.website.pk, "call_pk": call.pk}
        ),
        answers_for(call, channel="paper"),
    )
    assert response.status_code == 302
    application = Application.objects.get(call=call)
    assert application.entered_by == cast.coordinator
    assert application.channel == ApplicationChannel.PAPER
    detail = client_for(cast.chair).get(
        reverse("recruitment:call_detail", kwargs={"pk": cast.website.pk, "call_pk": call.pk})
    )
    assert "joseph@example.org" in detail.text


def test_it_hides_applications_from_members_off_the_panel_and_outsiders(cast: Cast) -> None:
    call = open_call(cast)
    url = reverse("recruitment:call_detail", kwargs={"pk": cast.website.pk, "call_pk": call.pk})
    assert client_for(cast.member).get(url).status_code == 403
    assert client_for(cast.outsider).get(url).status_code == 404


def test_it_pages_the_calls_newest_first(cast: Cast, settings: Settings) -> None:
    settings.PAGE_SIZE = 2
    for n in range(3):
        Call.objects.create(
            project=cast.website,
            title=f"Call {n}",
            closes_on=timezone.localdate() + timedelta(days=30),
            places=2,
            created_at=timezone.now() + timedelta(minutes=n),
        )
    url = reverse("recruitment:calls", kwargs={"pk": cast.website.pk})
    grace = client_for(cast.coordinator)

    assert [call.title for call in grace.get(url).context["calls"]] == ["Call 2", "Call 1"]
    assert [call.title for call in grace.get(url, {"page": 2}).context["calls"]] == ["Call 0"]


def test_it_sends_the_applicant_email_in_the_organisations_name_with_a_reply_to(
    cast: Cast,
) -> None:
    Organisation.objects.filter(pk=1).update(
        name="Riverside Council", contact_email="involve@riverside.example.org"
    )
    call = open_call(cast)

    client_for(None).post(apply_url(call), answers_for(call))

    (message,) = mail.outbox
    # A reply from the applicant reaches a person, not the address emails are sent from.
    assert message.from_email == "Riverside Council <no-reply@example.org>"
    assert message.reply_to == ["involve@riverside.example.org"]
    assert message.message()["Reply-To"] == "involve@riverside.example.org"
