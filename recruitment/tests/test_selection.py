"""Selection: a panel scores applications; leaders move them through the stages and write
to applicants; calls are edited, closed and reopened; their questions change and move."""

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from coproduce.lib.concurrency import STALE_EDIT_MESSAGE
from people.models import MemberType
from projects.models import Membership
from recruitment import services
from recruitment.models import (
    STATUS_MOVED,
    Application,
    ApplicationChannel,
    ApplicationStatus,
    ApplicationStatusChange,
    Assessment,
    Call,
    CallQuestion,
    CallStatus,
    PanelMember,
    QuestionKind,
)
from recruitment.tests.test_recruitment import apply_url, open_call

S = ApplicationStatus


def panel_call(cast: Cast) -> Call:
    """The website group's call, with Amira (a member with lived experience) and Grace on
    its selection panel."""
    call = open_call(cast)
    services.call_panel_set(call=call, users=[cast.member, cast.coordinator], actor=cast.chair)
    return call


def an_application(call: Call, name: str = "Joseph Mensah", **fields: Any) -> Application:
    email = fields.pop("email", f"{name.split()[0].lower()}@example.org")
    answers = {str(question.pk): f"{name}'s answer" for question in call.questions.all()}
    return Application.objects.create(
        call=call, full_name=name, email=email, answers=answers, **fields
    )


def call_url(name: str, call: Call, **kwargs: int) -> str:
    return reverse(
        f"recruitment:{name}", kwargs={"pk": call.project_id, "call_pk": call.pk} | kwargs
    )


def application_url(name: str, application: Application) -> str:
    return call_url(name, application.call, application_pk=application.pk)


def move(
    cast: Cast, application: Application, to: str, by: User | None = None, **extra: str
) -> Any:
    return client_for(by or cast.chair).post(
        application_url("application_move", application),
        {"status": to, "current": application.status, "note": ""} | extra,
    )


# Stages


def test_it_moves_an_application_only_along_the_allowed_steps(cast: Cast) -> None:
    application = an_application(open_call(cast))
    assert application.next_statuses() == (S.SHORTLISTED, S.NOT_SELECTED)
    for wrong in (S.OFFERED, S.ACCEPTED, S.RECEIVED):
        with pytest.raises(services.SelectionError):
            services.application_move(
                application=application,
                to_status=wrong,
                actor=cast.chair,
                note="",
                seen_status=S.RECEIVED,
            )
    for step in (S.SHORTLISTED, S.INVITED, S.OFFERED, S.ACCEPTED):
        services.application_move(
            application=application,
            to_status=step,
            actor=cast.chair,
            note="",
            seen_status=application.status,
        )
    application.refresh_from_db()
    assert application.status == S.ACCEPTED
    assert application.next_statuses() == ()
    assert list(application.status_changes.values_list("from_status", "to_status")) == [
        (S.RECEIVED, S.SHORTLISTED),
        (S.SHORTLISTED, S.INVITED),
        (S.INVITED, S.OFFERED),
        (S.OFFERED, S.ACCEPTED),
    ]


def test_it_lets_the_database_refuse_unknown_stages_and_steps(cast: Cast) -> None:
    application = an_application(open_call(cast))
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=application.pk).update(status="hired")
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationStatusChange.objects.create(
            application=application, from_status=S.RECEIVED, to_status=S.ACCEPTED
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ApplicationStatusChange.objects.create(
            application=application, from_status=S.NOT_SELECTED, to_status=S.OFFERED
        )


def test_it_lets_a_leader_move_an_application_and_shows_the_history(cast: Cast) -> None:
    application = an_application(open_call(cast))
    response = move(cast, application, S.SHORTLISTED, note="Strong answers.")
    assert response.status_code == 302
    assert response["Location"] == application_url("application_detail", application)
    application.refresh_from_db()
    assert application.status == S.SHORTLISTED
    change = application.status_changes.get()
    assert (change.changed_by, change.note) == (cast.chair, "Strong answers.")
    event = AuditEvent.objects.get(action="application.moved")
    assert event.actor == cast.chair
    assert event.data == {"from": "received", "to": "shortlisted"}
    page = client_for(cast.coordinator).get(application_url("application_detail", application))
    assert "Moved on by Deborah Marsh." in page.text
    assert "Strong answers." in page.text
    assert "They applied online." in page.text


def test_it_refuses_a_step_not_allowed_from_where_the_application_is(cast: Cast) -> None:
    application = an_application(open_call(cast))
    response = move(cast, application, S.ACCEPTED, note="Typed note")
    assert response.status_code == 400
    assert "Choose what happens next from the steps listed" in response.text
    assert "Typed note" in response.text
    application.refresh_from_db()
    assert application.status == S.RECEIVED
    assert not ApplicationStatusChange.objects.exists()


def test_it_asks_for_a_step_when_none_is_chosen(cast: Cast) -> None:
    application = an_application(open_call(cast))
    response = client_for(cast.chair).post(
        application_url("application_move", application), {"current": "received"}
    )
    assert response.status_code == 400
    assert "Choose what happens next" in response.text


def test_it_does_not_override_a_move_someone_else_made_first(cast: Cast) -> None:
    application = an_application(open_call(cast))
    services.application_move(
        application=application,
        to_status=S.SHORTLISTED,
        actor=cast.coordinator,
        note="",
        seen_status=S.RECEIVED,
    )
    # The chair's page still showed "received" when she chose "not selected".
    response = client_for(cast.chair).post(
        application_url("application_move", application),
        {"status": S.NOT_SELECTED, "current": S.RECEIVED},
    )
    assert response.status_code == 400
    assert html.escape(str(STATUS_MOVED)) in response.text
    application.refresh_from_db()
    assert application.status == S.SHORTLISTED
    with pytest.raises(services.SelectionError):
        services.application_move(
            application=Application.objects.get(pk=application.pk),
            to_status=S.NOT_SELECTED,
            actor=cast.chair,
            note="",
            seen_status=S.RECEIVED,
        )


def test_it_says_when_an_application_has_no_more_stages(cast: Cast) -> None:
    application = an_application(open_call(cast), status=S.DECLINED)
    page = client_for(cast.chair).get(application_url("application_move", application))
    assert "reached its last stage" in page.text
    assert "<form" not in page.text.split("<main", 1)[1]


# The panel


def test_it_lets_leaders_choose_the_panel_from_current_members(cast: Cast) -> None:
    call = open_call(cast)
    amira, grace = cast.membership(cast.member), cast.membership(cast.coordinator)
    response = client_for(cast.chair).post(
        call_url("call_panel", call), {"members": [amira.pk, grace.pk]}
    )
    assert response.status_code == 302
    assert set(call.panel.values_list("user__email", flat=True)) == {
        "amira@example.org",
        "grace@example.org",
    }
    assert AuditEvent.objects.get(action="call.panel_changed").data["added"] == [
        "Amira Haddad",
        "Grace Whitfield",
    ]
    # Olu is not in the group, so he cannot be chosen.
    elsewhere = Membership.objects.create(
        project=cast.employment, user=cast.outsider, member_type=MemberType.CARER
    )
    refused = client_for(cast.chair).post(call_url("call_panel", call), {"members": [elsewhere.pk]})
    assert refused.status_code == 400
    form = client_for(cast.chair).get(call_url("call_panel", call))
    assert "Amira Haddad (Lived experience, member)" in form.text
    again = {"members": [grace.pk], "seen": call.panel_state()}
    assert client_for(cast.chair).post(call_url("call_panel", call), again).status_code == 302
    assert list(call.panel.values_list("user__email", flat=True)) == ["grace@example.org"]


def test_it_lets_a_panel_member_read_and_score_but_not_move_or_write(cast: Cast) -> None:
    call = panel_call(cast)
    application = an_application(call, phone="01632 960 555")
    amira = client_for(cast.member)
    listing = amira.get(call_url("call_detail", call))
    assert listing.status_code == 200
    assert "Joseph Mensah" in listing.text
    assert "joseph@example.org" not in listing.text  # contact details are for organisers
    page = amira.get(application_url("application_detail", application))
    assert page.status_code == 200
    assert "Joseph Mensah&#x27;s answer" in page.text
    assert "joseph@example.org" not in page.text
    assert "01632 960 555" not in page.text
    assert "Move to the next stage" not in page.text
    response = amira.post(
        application_url("application_assess", application), {"score": "4", "note": "Warm."}
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.assessor, assessment.score, assessment.note) == (cast.member, 4, "Warm.")
    assert amira.post(application_url("application_move", application)).status_code == 403
    assert amira.get(application_url("application_letter", application)).status_code == 403
    assert amira.get(call_url("call_edit", call)).status_code == 403
    assert amira.get(call_url("call_panel", call)).status_code == 403
    assert move(cast, application, S.SHORTLISTED, by=cast.member).status_code == 403
    application.refresh_from_db()
    assert application.status == S.RECEIVED
    home = amira.get(reverse("projects:detail", kwargs={"pk": cast.website.pk}))
    assert "Selection panels you are on" in home.text


def test_it_keeps_members_off_the_panel_and_outsiders_away(cast: Cast) -> None:
    call = panel_call(cast)
    application = an_application(call)
    for url in (
        call_url("call_detail", call),
        application_url("application_detail", application),
        application_url("application_assess", application),
    ):
        assert client_for(cast.carer).get(url).status_code == 403
        assert client_for(cast.outsider).get(url).status_code == 404
    # A guessed call number tells a member nothing about whether it exists.
    made_up = reverse("recruitment:call_detail", kwargs={"pk": cast.website.pk, "call_pk": 999})
    assert client_for(cast.carer).get(made_up).status_code == 403
    # Leading the group does not make the chair a panel member.
    assert (
        client_for(cast.chair).get(application_url("application_assess", application)).status_code
        == 403
    )


def test_it_stops_a_panel_member_who_left_the_group(cast: Cast) -> None:
    call = panel_call(cast)
    application = an_application(call)
    membership = cast.membership(cast.member)
    membership.left_at = timezone.now()
    membership.save()
    response = client_for(cast.member).get(application_url("application_detail", application))
    assert response.status_code == 404


def test_it_keeps_one_assessment_per_panel_member_that_only_they_change(cast: Cast) -> None:
    call = panel_call(cast)
    application = an_application(call)
    url = application_url("application_assess", application)
    client_for(cast.member).post(url, {"score": "2", "note": "First read."})
    page = client_for(cast.member).get(url)
    assert "First read." in page.text
    client_for(cast.member).post(url, {"score": "5", "note": "Second read."})
    client_for(cast.coordinator).post(url, {"score": "3", "note": ""})
    assert sorted(Assessment.objects.values_list("assessor__email", "score", "note")) == [
        ("amira@example.org", 5, "Second read."),
        ("grace@example.org", 3, ""),
    ]
    assert AuditEvent.objects.filter(action="application.assessment_changed").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(application=application, assessor=cast.member, score=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(application=application, assessor=cast.carer, score=6)


def test_it_asks_for_a_score_from_1_to_5(cast: Cast) -> None:
    application = an_application(panel_call(cast))
    url = application_url("application_assess", application)
    for data in ({"note": "Kept"}, {"score": "9", "note": "Kept"}):
        response = client_for(cast.member).post(url, data)
        assert response.status_code == 400
        assert "Kept" in response.text
    assert "Choose a score from 1 to 5" in client_for(cast.member).post(url, {}).text
    assert not Assessment.objects.exists()


def test_it_shows_leaders_every_score_and_the_average_and_panel_members_their_own(
    cast: Cast,
) -> None:
    application = an_application(panel_call(cast))
    url = application_url("application_assess", application)
    client_for(cast.member).post(url, {"score": "5", "note": "Lived it herself."})
    client_for(cast.coordinator).post(url, {"score": "4", "note": "Ask about times."})
    leader = client_for(cast.chair).get(application_url("application_detail", application))
    assert "Average score: <strong>4.5</strong> out of 5" in leader.text
    assert "Lived it herself." in leader.text
    assert "Ask about times." in leader.text
    listing = client_for(cast.chair).get(call_url("call_detail", application.call))
    assert "4.5" in listing.text
    amira = client_for(cast.member).get(application_url("application_detail", application))
    assert "Lived it herself." in amira.text
    assert "Ask about times." not in amira.text
    assert "Average score" not in amira.text


# Letters


def test_it_writes_sends_and_records_a_letter_inviting_someone_to_talk(cast: Cast) -> None:
    application = an_application(open_call(cast), status=S.SHORTLISTED)
    response = move(cast, application, S.INVITED)
    letter_url = application_url("application_letter", application)
    assert response["Location"] == letter_url
    chair = client_for(cast.chair)
    draft = chair.get(letter_url)
    assert "we would like to talk with you" in draft.text
    assert "Hello Joseph Mensah," in draft.text
    assert "Deborah Marsh" in draft.text  # signed by whoever writes it
    assert not mail.outbox

    step = application.status_changes.get(to_status=S.INVITED)
    assert f'name="step" value="{step.pk}"' in draft.text
    letter = {
        "subject": "Let us talk",
        "body": "Hello Joseph,\r\n\r\nCan you come on <Tuesday>?\r\n\r\nDeborah",
        "step": str(step.pk),
    }
    preview = chair.post(letter_url, letter | {"action": "preview"})
    assert preview.status_code == 200
    assert f'name="step" value="{step.pk}"' in preview.text
    assert "Check the letter before you send it" in preview.text
    assert "Can you come on &lt;Tuesday&gt;?" in preview.text
    assert not mail.outbox
    changed = chair.post(letter_url, letter | {"action": "change"})
    assert "Preview the letter" in changed.text
    assert "Let us talk" in changed.text

    sent = chair.post(letter_url, letter | {"action": "send"})
    assert sent["Location"] == application_url("application_detail", application)
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["joseph@example.org"]
    assert message.subject == "Let us talk"
    assert message.body.startswith("Hello Joseph,\n\nCan you come on <Tuesday>?\n\nDeborah")
    html_part, mime = message.alternatives[0]
    assert mime == "text/html"
    assert "<p>Can you come on &lt;Tuesday&gt;?</p>" in str(html_part)
    assert "another format" in str(html_part)
    change = application.status_changes.get(to_status=S.INVITED)
    assert change.letter_sent_at is not None
    assert (change.letter_subject, change.letter_body) == (
        "Let us talk",
        "Hello Joseph,\n\nCan you come on <Tuesday>?\n\nDeborah",
    )
    assert AuditEvent.objects.filter(action="application.letter_sent").exists()
    page = chair.get(application_url("application_detail", application))
    assert "Letter sent" in page.text

    # Sending again, from an old tab, sends nothing.
    chair.post(letter_url, letter | {"action": "send"})
    assert len(mail.outbox) == 1
    assert "The letter about this stage went to" in chair.get(letter_url).text


def test_it_refuses_an_empty_letter_and_keeps_what_was_typed(cast: Cast) -> None:
    application = an_application(open_call(cast), status=S.SHORTLISTED)
    move(cast, application, S.OFFERED)
    step = application.status_changes.get()
    response = client_for(cast.chair).post(
        application_url("application_letter", application),
        {"subject": "Kept subject", "body": "", "action": "send", "step": str(step.pk)},
    )
    assert response.status_code == 400
    assert "Enter the letter" in response.text
    assert "Kept subject" in response.text
    assert not mail.outbox


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ([S.SHORTLISTED, S.OFFERED], "we would like to offer you a place"),
        ([S.NOT_SELECTED], "This is not a judgement of you or your experience."),
    ],
)
def test_it_starts_each_letter_in_plain_kind_words(cast: Cast, path: str, words: str) -> None:
    application = an_application(open_call(cast))
    for status in path:
        services.application_move(
            application=application,
            to_status=status,
            actor=cast.chair,
            note="",
            seen_status=application.status,
        )
    subject, body = services.letter_draft(application=application, sender=cast.chair)
    assert words in subject + body
    assert "Hello Joseph Mensah," in body
    assert "Mental health information website" in body


def test_it_has_no_letter_for_stages_that_need_none(cast: Cast) -> None:
    application = an_application(open_call(cast))
    move(cast, application, S.SHORTLISTED)
    page = client_for(cast.chair).get(application_url("application_letter", application))
    assert "There is no letter to send at this stage" in page.text
    assert (
        client_for(cast.chair)
        .post(
            application_url("application_letter", application),
            {"subject": "x", "body": "y", "action": "send"},
        )
        .status_code
        == 200
    )
    assert not mail.outbox


def test_it_offers_to_invite_someone_who_accepted(cast: Cast) -> None:
    application = an_application(open_call(cast), status=S.OFFERED)
    response = move(cast, application, S.ACCEPTED, note="Said yes on the phone.")
    assert response["Location"] == application_url("application_detail", application)
    page = client_for(cast.chair).get(response["Location"])
    invite = (
        reverse("projects:member_invite", kwargs={"pk": cast.website.pk})
        + "?email=joseph%40example.org&amp;full_name=Joseph+Mensah"
    )
    assert invite in page.text
    form = client_for(cast.chair).get(html.unescape(invite))
    assert 'value="joseph@example.org"' in form.text
    assert 'value="Joseph Mensah"' in form.text
    declined = an_application(application.call, "Ruth Evans", status=S.OFFERED)
    move(cast, declined, S.DECLINED)
    assert (
        "member_invite"
        not in client_for(cast.chair).get(application_url("application_detail", declined)).text
    )


# One application


def test_it_shows_an_application_in_full(cast: Cast) -> None:
    call = open_call(cast)
    application = an_application(
        call, "Ruth Evans", channel=ApplicationChannel.PHONE, entered_by=cast.coordinator
    )
    page = client_for(cast.chair).get(application_url("application_detail", application))
    for question in call.questions.all():
        assert question.text in html.unescape(page.text)
    assert "Ruth Evans&#x27;s answer" in page.text
    assert "By phone" in page.text
    assert "Grace Whitfield" in page.text
    assert "ruth@example.org" in page.text


# The call itself


def date_fields(day: str, month: str, year: str) -> dict[str, str]:
    return {"closes_on_day": day, "closes_on_month": month, "closes_on_year": year}


def edit_data(call: Call, **changes: str) -> dict[str, str]:
    closes = call.closes_on
    return (
        {
            "title": call.title,
            "description": call.description,
            "places": str(call.places),
            "version": str(call.version),
        }
        | date_fields(str(closes.day), str(closes.month), str(closes.year))
        | changes
    )


def test_it_lets_leaders_change_a_call(cast: Cast) -> None:
    call = open_call(cast)
    later = timezone.localdate() + timedelta(days=90)
    response = client_for(cast.chair).post(
        call_url("call_edit", call),
        edit_data(
            call,
            description="We meet twice a month.",
            places="6",
            **date_fields(str(later.day), str(later.month), str(later.year)),
        ),
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert (call.description, call.places, call.closes_on, call.version) == (
        "We meet twice a month.",
        6,
        later,
        2,
    )
    event = AuditEvent.objects.get(action="call.updated")
    assert event.data == {"changed": ["closes_on", "description", "places"]}


@pytest.mark.parametrize(
    ("day", "month", "year", "error"),
    [
        ("", "", "", "Enter the closing date"),
        ("3", "", "2030", "Closing date must include a month"),
        ("", "", "2030", "Closing date must include a day and month"),
        ("31", "2", "2030", "Closing date must be a real date"),
        ("3", "May", "2030", "Closing date must be a real date"),
        ("3", "5", "30", "Closing date must have a year with 4 numbers, like 2027"),
        ("1", "1", "2020", "Closing date must be in the future"),
    ],
)
def test_it_explains_what_is_wrong_with_the_closing_date(
    cast: Cast, day: str, month: str, year: str, error: str
) -> None:
    call = open_call(cast)
    response = client_for(cast.chair).post(
        call_url("call_edit", call), edit_data(call, **date_fields(day, month, year))
    )
    assert response.status_code == 400
    assert error in response.text
    if year:
        assert f'name="closes_on_year" type="text" inputmode="numeric" value="{year}"' in (
            response.text
        )
    call.refresh_from_db()
    assert call.version == 1


def test_it_lets_a_call_past_its_date_be_changed_without_a_new_date(cast: Cast) -> None:
    call = open_call(cast)
    Call.objects.filter(pk=call.pk).update(closes_on=timezone.localdate() - timedelta(days=3))
    call.refresh_from_db()
    response = client_for(cast.chair).post(
        call_url("call_edit", call), edit_data(call, description="Thank you to all who applied.")
    )
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.description == "Thank you to all who applied."


def test_it_keeps_both_edits_visible_when_two_leaders_change_a_call(cast: Cast) -> None:
    call = open_call(cast)
    stale = edit_data(call, description="Deborah's words")
    client_for(cast.coordinator).post(call_url("call_edit", call), edit_data(call, places="9"))
    response = client_for(cast.chair).post(call_url("call_edit", call), stale)
    assert response.status_code == 400
    assert html.escape(str(STALE_EDIT_MESSAGE)) in response.text
    assert "Deborah&#x27;s words" in response.text
    call.refresh_from_db()
    assert call.places == 9


def test_it_closes_a_call_by_hand_and_reopens_it_while_the_date_is_to_come(cast: Cast) -> None:
    call = open_call(cast)
    chair = client_for(cast.chair)
    confirm = chair.get(call_url("call_close", call))
    assert "Close this call now?" in confirm.text
    assert chair.post(call_url("call_close", call)).status_code == 302
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    assert "This call has closed" in client_for(None).get(apply_url(call)).text
    assert "Reopen the call" in chair.get(call_url("call_detail", call)).text
    chair.post(call_url("call_reopen", call))
    call.refresh_from_db()
    assert call.status == CallStatus.OPEN
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="call.")][:2] == [
        "call.reopened",
        "call.closed",
    ]


def test_it_will_not_reopen_a_call_whose_closing_date_has_passed(cast: Cast) -> None:
    call = open_call(cast, status=CallStatus.CLOSED)
    Call.objects.filter(pk=call.pk).update(closes_on=timezone.localdate())
    response = client_for(cast.chair).post(call_url("call_reopen", call), follow=True)
    assert "Change the closing date to a day in the future first" in response.text
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED


# Questions


def question_url(name: str, question: CallQuestion) -> str:
    return call_url(name, question.call, question_pk=question.pk)


def texts(call: Call) -> list[str]:
    return list(call.questions.values_list("text", flat=True))


def test_it_adds_a_question_at_the_end_of_the_form(cast: Cast) -> None:
    call = open_call(cast)
    url = call_url("call_question_add", call)
    one_choice = {"text": "Which day suits you?", "kind": "choice", "choices": "Monday\n\n"}
    response = client_for(cast.chair).post(url, one_choice)
    assert response.status_code == 400
    assert "Enter at least 2 choices, one on each line" in response.text
    response = client_for(cast.chair).post(
        url, one_choice | {"choices": " Monday \r\n\r\nFriday", "required": "on"}
    )
    assert response["Location"] == call_url("call_questions", call)
    question = call.questions.last()
    assert question is not None
    assert (question.text, question.choices, question.required) == (
        "Which day suits you?",
        "Monday\nFriday",
        True,
    )
    assert question.position == 4
    assert AuditEvent.objects.filter(action="call.question_added").exists()
    form = client_for(None).get(apply_url(call))
    assert "Which day suits you?" in form.text
    empty = client_for(cast.chair).post(url, {})
    assert "Enter the question" in empty.text


def test_it_changes_a_question_and_keeps_the_answers_already_given(cast: Cast) -> None:
    call = open_call(cast)
    question = call.questions.get(kind=QuestionKind.CHOICE)
    application = an_application(call)
    page = client_for(cast.chair).get(question_url("call_question_edit", question))
    assert "1 person has answered" in page.text
    response = client_for(cast.chair).post(
        question_url("call_question_edit", question),
        {
            "text": "How would you like to take part?",
            "kind": "short",
            "choices": "In person\nBy video",
            "version": "1",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.text, question.kind, question.choices, question.version) == (
        "How would you like to take part?",
        "short",
        "",
        2,
    )
    application.refresh_from_db()
    assert application.answers[str(question.pk)] == "Joseph Mensah's answer"
    event = AuditEvent.objects.get(action="call.question_updated")
    assert event.data == {"changed": ["choices", "kind", "required", "text"]}


def test_it_moves_questions_up_and_down_without_javascript(cast: Cast) -> None:
    call = open_call(cast)
    first, second, third = call.questions.all()
    chair = client_for(cast.chair)
    response = chair.post(question_url("call_question_move", third), {"direction": "up"})
    assert response["Location"] == call_url("call_questions", call) + f"#question-{third.pk}"
    assert texts(call) == [first.text, third.text, second.text]
    chair.post(question_url("call_question_move", first), {"direction": "down"})
    assert texts(call) == [third.text, first.text, second.text]
    # Past either end, nothing moves.
    chair.post(question_url("call_question_move", third), {"direction": "up"})
    chair.post(question_url("call_question_move", second), {"direction": "down"})
    assert texts(call) == [third.text, first.text, second.text]
    assert list(call.questions.values_list("position", flat=True)) == [1, 2, 3]
    page = chair.get(call_url("call_questions", call))
    assert 'name="direction" value="up"' in page.text
    assert chair.get(question_url("call_question_move", third)).status_code == 405


def test_it_removes_an_unanswered_question_after_asking(cast: Cast) -> None:
    call = open_call(cast)
    question = call.questions.first()
    assert question is not None
    chair = client_for(cast.chair)
    assert "from the form?" in chair.get(question_url("call_question_remove", question)).text
    response = chair.post(question_url("call_question_remove", question))
    assert response.status_code == 302
    assert not CallQuestion.objects.filter(pk=question.pk).exists()
    assert AuditEvent.objects.filter(action="call.question_removed").exists()


def test_it_refuses_to_remove_a_question_someone_has_answered(cast: Cast) -> None:
    call = open_call(cast)
    question = call.questions.first()
    assert question is not None
    an_application(call)
    an_application(call, "Ruth Evans")
    chair = client_for(cast.chair)
    page = chair.get(question_url("call_question_remove", question))
    assert "This question cannot be removed" in page.text
    assert "2 people have answered it" in page.text
    assert "Yes, remove it" not in page.text
    response = chair.post(question_url("call_question_remove", question))
    assert response.status_code == 400
    assert "2 people have answered this question, so it cannot be removed" in response.text
    assert CallQuestion.objects.filter(pk=question.pk).exists()
    listing = chair.get(call_url("call_questions", call))
    assert question_url("call_question_remove", question) not in listing.text


# The list of applications


def test_it_filters_counts_and_searches_applications(cast: Cast, settings: Settings) -> None:
    settings.PAGE_SIZE = 2
    call = panel_call(cast)
    for name in ("Ann Lee", "Ben Ray", "Cat Moss"):
        an_application(call, name, status=S.SHORTLISTED)
    an_application(call, "Dan Fox", email="dan.fox@elsewhere.org")
    chair = client_for(cast.chair)
    page = chair.get(call_url("call_detail", call))
    assert "All (4)" in page.text
    assert "Shortlisted (3)" in page.text
    assert "Received (1)" in page.text
    shortlisted = chair.get(call_url("call_detail", call), {"status": "shortlisted"})
    assert "Dan Fox" not in shortlisted.text
    assert "?status=shortlisted&amp;page=2" in shortlisted.text
    second = chair.get(call_url("call_detail", call), {"status": "shortlisted", "page": "2"})
    assert "Cat Moss" in second.text
    assert "Ann Lee" not in second.text
    by_email = chair.get(call_url("call_detail", call), {"q": "elsewhere"})
    assert "Dan Fox" in by_email.text
    assert "Ann Lee" not in by_email.text
    # Panel members search by name only: email addresses are not theirs to see.
    assert (
        "Dan Fox"
        not in client_for(cast.member).get(call_url("call_detail", call), {"q": "elsewhere"}).text
    )
    assert (
        "Dan Fox" in client_for(cast.member).get(call_url("call_detail", call), {"q": "fox"}).text
    )


def queries_for(user: User, url: str) -> int:
    client = client_for(user)
    client.get(url)  # the session and the organisation are cached after the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["chair", "member"])
def test_it_lists_applications_in_the_same_number_of_queries_however_many(
    cast: Cast, persona: str
) -> None:
    call = panel_call(cast)
    user = getattr(cast, persona)

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            application = an_application(call, f"Person {n}", email=f"person{n}@example.org")
            for assessor, score in ((cast.member, 3), (cast.coordinator, 4)):
                Assessment.objects.create(application=application, assessor=assessor, score=score)

    add(2, 0)
    few = queries_for(user, call_url("call_detail", call))
    add(20, 2)
    many = queries_for(user, call_url("call_detail", call))
    assert few == many <= 15


def test_it_shows_one_application_in_the_same_number_of_queries_however_many_scores(
    cast: Cast,
) -> None:
    call = panel_call(cast)
    application = an_application(call)
    url = application_url("application_detail", application)
    Assessment.objects.create(application=application, assessor=cast.member, score=3)
    few = queries_for(cast.chair, url)
    Assessment.objects.create(application=application, assessor=cast.coordinator, score=4)
    for user in (cast.carer, cast.clinician, cast.commissioner):
        PanelMember.objects.create(call=call, user=user)
        Assessment.objects.create(application=application, assessor=user, score=4)
    services.application_move(
        application=application,
        to_status=S.SHORTLISTED,
        actor=cast.chair,
        note="",
        seen_status=S.RECEIVED,
    )
    many = queries_for(cast.chair, url)
    assert few == many <= 15


# Two leaders at once: Deborah chairs the group, Grace coordinates it


def panel_seen_on(page: str) -> str:
    found = re.search(r'name="seen" value="([^"]*)"', page)
    assert found, "the panel page carries the panel it shows"
    return found[1]


def test_it_keeps_the_first_change_to_a_selection_panel(cast: Cast) -> None:
    call = open_call(cast)
    services.call_panel_set(call=call, users=[cast.member], actor=cast.chair)
    amira, priya, tom = (
        cast.membership(user) for user in (cast.member, cast.clinician, cast.commissioner)
    )
    url = call_url("call_panel", call)
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    seen = {client: panel_seen_on(client.get(url).text) for client in (deborah, grace)}

    first = deborah.post(url, {"members": [amira.pk, priya.pk], "seen": seen[deborah]})
    stale = grace.post(url, {"members": [amira.pk, tom.pk], "seen": seen[grace]})

    assert first.status_code == 302
    assert stale.status_code == 400
    assert "Someone else saved changes to this page" in stale.text
    assert (
        "What is saved now is different from what you typed in: Who is on the selection panel? "
        "(Dr Priya Natarajan joined it)." in html.unescape(stale.text)
    )
    # What Grace ticked is still ticked, ready to save over the new panel on purpose.
    assert re.search(rf'value="{tom.pk}"[^>]*checked', stale.text)
    assert not re.search(rf'value="{priya.pk}"[^>]*checked', stale.text)
    assert set(call.panel.values_list("user__email", flat=True)) == {
        "amira@example.org",
        "priya@example.org",
    }
    assert AuditEvent.objects.filter(action="call.panel_changed").count() == 2


def test_it_keeps_the_first_move_of_an_application_and_what_the_second_leader_typed(
    cast: Cast,
) -> None:
    application = an_application(open_call(cast))
    url = application_url("application_move", application)
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    assert 'name="current" value="received"' in deborah.get(url).text
    assert 'name="current" value="received"' in grace.get(url).text

    first = deborah.post(url, {"status": S.SHORTLISTED, "current": S.RECEIVED, "note": ""})
    stale = grace.post(
        url, {"status": S.NOT_SELECTED, "current": S.RECEIVED, "note": "Answers too short"}
    )

    assert first.status_code == 302
    assert stale.status_code == 400
    assert html.escape(str(STATUS_MOVED)) in stale.text
    assert "its stage is now “Shortlisted”" in stale.text
    assert "Answers too short" in stale.text
    assert re.search(r'name="status" value="not_selected"[^>]*checked', stale.text)
    assert 'name="current" value="shortlisted"' in stale.text
    application.refresh_from_db()
    assert application.status == S.SHORTLISTED
    assert application.status_changes.get().changed_by == cast.chair
    # Having seen where it is now, Grace can still choose the same step from there.
    again = grace.post(
        url, {"status": S.NOT_SELECTED, "current": S.SHORTLISTED, "note": "Answers too short"}
    )
    assert again.status_code == 302


def test_it_does_not_send_a_letter_about_a_stage_the_application_has_left(cast: Cast) -> None:
    application = an_application(open_call(cast), status=S.SHORTLISTED)
    move(cast, application, S.INVITED)
    url = application_url("application_letter", application)
    invited = application.status_changes.get()
    assert f'name="step" value="{invited.pk}"' in client_for(cast.chair).get(url).text
    # Meanwhile Grace offers a place straight away.
    move(cast, Application.objects.get(pk=application.pk), S.OFFERED, by=cast.coordinator)
    offered = application.status_changes.get(to_status=S.OFFERED)
    mail.outbox.clear()

    stale = client_for(cast.chair).post(
        url,
        {
            "subject": "Let us talk",
            "body": "Can you come on Tuesday?",
            "step": str(invited.pk),
            "action": "send",
        },
    )

    assert stale.status_code == 400
    assert "Someone else saved changes to this page" in stale.text
    assert "the application is now “Offered a place”" in stale.text
    assert "Can you come on Tuesday?" in stale.text
    assert f'name="step" value="{offered.pk}"' in stale.text
    assert mail.outbox == []
    assert not ApplicationStatusChange.objects.filter(letter_sent_at__isnull=False).exists()


def test_it_sends_a_letter_once_when_two_leaders_send_it(cast: Cast) -> None:
    application = an_application(open_call(cast), status=S.SHORTLISTED)
    move(cast, application, S.OFFERED)
    url = application_url("application_letter", application)
    step = application.status_changes.get()
    letter = {"subject": "A place for you", "body": "We would like you to join.", "step": step.pk}
    mail.outbox.clear()

    first = client_for(cast.chair).post(url, letter | {"action": "send"})
    second = client_for(cast.coordinator).post(
        url, letter | {"body": "Welcome aboard.", "action": "send"}
    )

    assert first.status_code == 302
    assert second.status_code == 200
    assert "The letter about this stage went to joseph@example.org" in second.text
    assert "We would like you to join." in second.text
    (message,) = mail.outbox
    assert message.body.startswith("We would like you to join.")
    with pytest.raises(services.LetterAlreadySent):
        services.application_letter_send(
            change=step, subject="Again", body="Again", actor=cast.coordinator
        )
    assert len(mail.outbox) == 1
