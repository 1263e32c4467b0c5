"""Two leaders and one applicant's letter: when the letter one of them is writing can no
longer go, because the other sent it or moved the application to a stage with no letter,
nothing is sent, they are told who did what and when, and what they wrote stays on screen."""

import datetime
from typing import Any

import pytest
import time_machine
from django.core import mail

from conftest import Cast, client_for
from recruitment import services
from recruitment.models import Application, ApplicationStatus, ApplicationStatusChange
from recruitment.tests.test_recruitment import open_call
from recruitment.tests.test_selection import an_application, application_url, move

S = ApplicationStatus
# 3 December, 14:05 in London (GMT in winter).
MORNING_CALL = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)
GRACES_LETTER = {
    "subject": "A place in the group",
    "body": "Dear Joseph,\r\n\r\nWe loved your ideas about the crisis pages.\r\n\r\nGrace",
}


def offered(cast: Cast) -> tuple[Application, ApplicationStatusChange, str]:
    """Joseph, offered a place by Deborah that morning, with the letter page both leaders
    have open."""
    application = an_application(open_call(cast), status=S.SHORTLISTED)
    with time_machine.travel(MORNING_CALL - datetime.timedelta(hours=2), tick=False):
        move(cast, application, S.OFFERED)
    application.refresh_from_db()
    url = application_url("application_letter", application)
    step = application.status_changes.get()
    for leader in (cast.chair, cast.coordinator):
        assert f'name="step" value="{step.pk}"' in client_for(leader).get(url).text
    mail.outbox.clear()
    return application, step, url


def shows_graces_letter(page: str) -> None:
    assert '<h2 class="govuk-heading-m">Your letter was not sent</h2>' in page
    assert 'value="A place in the group" readonly' in page
    assert "Dear Joseph,\n\nWe loved your ideas about the crisis pages.\n\nGrace</textarea>" in page


@pytest.mark.parametrize("action", ["send", "preview"])
def test_it_keeps_grace_s_letter_when_deborah_has_sent_hers(cast: Cast, action: str) -> None:
    _, step, url = offered(cast)
    with time_machine.travel(MORNING_CALL, tick=False):
        deborahs = {"subject": "Welcome", "body": "We would like you to join.", "step": step.pk}
        assert client_for(cast.chair).post(url, deborahs | {"action": "send"}).status_code == 302

    refused = client_for(cast.coordinator).post(
        url, GRACES_LETTER | {"step": step.pk, "action": action}
    )

    assert refused.status_code == 400
    page = refused.text
    assert "<title>Error: Letter to Joseph Mensah" in page
    assert "There is a problem" in page
    assert (
        "<li>The letter has already been sent, by Deborah Marsh on 3 December 2026 at 14:05.</li>"
    ) in page
    assert '<a href="#typed-body">Your letter was not sent. What you wrote is below.</a>' in page
    # What went, and what Grace wrote, side by side.
    assert "We would like you to join." in page
    shows_graces_letter(page)
    assert [message.body.split("\n")[0] for message in mail.outbox] == [
        "We would like you to join."
    ]
    step.refresh_from_db()
    assert (step.letter_subject, step.letter_sent_by) == ("Welcome", cast.chair)


def test_it_keeps_grace_s_letter_when_deborah_records_that_joseph_said_no(cast: Cast) -> None:
    application, step, url = offered(cast)
    # Joseph phones Deborah to say no, and she records it before Grace sends her letter.
    with time_machine.travel(MORNING_CALL, tick=False):
        assert move(cast, application, S.DECLINED).status_code == 302

    refused = client_for(cast.coordinator).post(
        url, GRACES_LETTER | {"step": step.pk, "action": "send"}
    )

    assert refused.status_code == 400
    page = refused.text
    assert (
        "<li>The application has moved to “Declined”, which has no letter: Deborah Marsh moved "
        "it on 3 December 2026 at 14:05.</li>"
    ) in page
    assert "There is no letter to send at this stage (“Declined”)" in page
    shows_graces_letter(page)
    assert mail.outbox == []
    assert not ApplicationStatusChange.objects.filter(letter_sent_at__isnull=False).exists()


def test_it_keeps_grace_s_letter_when_deborah_sends_hers_in_the_same_moment(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deborah's letter goes after Grace's page has checked it is still due, and before
    Grace's send takes its lock: the lock finds it sent, and Grace is told by whom."""
    _, step, url = offered(cast)
    send = services.application_letter_send

    def deborah_first(**kwargs: Any) -> None:
        send(change=step, subject="Welcome", body="We would like you to join.", actor=cast.chair)
        send(**kwargs)

    monkeypatch.setattr(services, "application_letter_send", deborah_first)

    refused = client_for(cast.coordinator).post(
        url, GRACES_LETTER | {"step": step.pk, "action": "send"}
    )

    assert refused.status_code == 400
    assert "The letter has already been sent, by Deborah Marsh on " in refused.text
    shows_graces_letter(refused.text)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Welcome"


def test_it_keeps_grace_s_letter_when_deborah_moves_joseph_on_in_the_same_moment(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deborah moves Joseph from "Invited to talk" to "Offered a place" just before Grace's
    invitation goes: it is not sent, and Grace's letter comes back about the offer, to check."""
    application = an_application(open_call(cast), status=S.SHORTLISTED)
    move(cast, application, S.INVITED)
    application.refresh_from_db()
    invited = application.status_changes.get()
    url = application_url("application_letter", application)
    send = services.application_letter_send

    def deborah_first(**kwargs: Any) -> None:
        move(cast, Application.objects.get(pk=application.pk), S.OFFERED)
        send(**kwargs)

    monkeypatch.setattr(services, "application_letter_send", deborah_first)
    mail.outbox.clear()

    stale = client_for(cast.coordinator).post(
        url, GRACES_LETTER | {"step": invited.pk, "action": "send"}
    )

    assert stale.status_code == 400
    assert "the application is now “Offered a place”" in stale.text
    assert "We loved your ideas about the crisis pages." in stale.text
    offer = application.status_changes.get(to_status=S.OFFERED)
    assert f'name="step" value="{offer.pk}"' in stale.text
    assert mail.outbox == []
