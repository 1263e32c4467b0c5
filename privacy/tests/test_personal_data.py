"""Every app answers for the personal data it keeps: the download holds it, erasure removes it."""

import datetime
import json
import re
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from conftest import Cast, client_for
from coproduce.lib.email import send_email
from meetings.models import (
    ActionPoint,
    AfterMeetingCheck,
    AgendaItem,
    AttendanceWay,
    Availability,
    Contribution,
    ContributionWay,
    DateAnswer,
    DateOption,
    InputKind,
    Invitee,
    Meeting,
    MeetingFormat,
    Reply,
    WrittenInput,
)
from people.models import MemberType
from privacy import services
from projects.models import Skill, SkillOffer
from recruitment.models import Application, Call, CallQuestion

# Models whose names or addresses are not a person's, each with why.
NOT_ABOUT_A_PERSON = {
    "auth.Permission": "the name of a permission",
    "auth.Group": "the name of a group of permissions",
    "accounts.Organisation": "the organisation's own name and public contact details",
    "people.AccessNeedType": "the name of a kind of access requirement",
    "projects.Skill": "the name of a skill a group needs",
    "projects.Phase": "the name of a phase of a group's work",
    "projects.Theme": "the name of a theme a group ranks",
    "meetings.Venue": "the name of a place",
}
PERSONAL_FIELD = re.compile(r"(^|_)(name|email|phone)$")


def user_model() -> type[models.Model]:
    return apps.get_model(settings.AUTH_USER_MODEL)


def needs_an_answer(model: type[models.Model]) -> list[str]:
    """The fields that make a model hold something about a person."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if (field.is_relation and field.related_model is user_model())
        or PERSONAL_FIELD.search(field.name)
    ]


def test_it_has_every_model_that_keeps_something_about_a_person_answered_for() -> None:
    covered: dict[type[models.Model], str] = {}
    for module in services.personal_data_modules():
        for model in module.MODELS:
            covered[model] = module.__name__
        for model in getattr(module, "KEPT", {}):
            covered[model] = module.__name__
    missing = []
    for model in apps.get_models():
        fields = needs_an_answer(model)
        if not fields or model in covered:
            continue
        if model._meta.label in NOT_ABOUT_A_PERSON:
            # Only names that are not about anyone: a link to a person always needs an answer.
            assert all(not model._meta.get_field(f).is_relation for f in fields), model
            continue
        missing.append(f"{model._meta.label} ({', '.join(fields)})")
    assert missing == [], "not in any personal_data.py: " + "; ".join(missing)


def test_it_has_every_app_that_stores_people_describe_its_data() -> None:
    names = {module.__name__ for module in services.personal_data_modules()}
    assert names == {
        "accounts.personal_data",
        "people.personal_data",
        "projects.personal_data",
        "recruitment.personal_data",
        "meetings.personal_data",
        "decisions.personal_data",
        "payments.personal_data",
        "privacy.personal_data",
    }
    for module in services.personal_data_modules():
        assert callable(module.export), module.__name__
        assert callable(module.erase), module.__name__


def at(days: int, hour: int) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def amira_takes_part(cast: Cast) -> Meeting:
    """Amira replies, answers a date poll, writes her thoughts, owns an action, speaks at the
    meeting and answers its check with her name; she also offered a skill and applied."""
    meeting = Meeting.objects.create(
        project=cast.website,
        title="Testing the crisis pages",
        starts_at=at(-3, 14),
        ends_at=at(-3, 16),
        format=MeetingFormat.ONLINE,
        video_link="https://video.example.org/crisis",
        created_by=cast.coordinator,
    )
    item = AgendaItem.objects.create(meeting=meeting, title="The crisis page", minutes=30)
    Invitee.objects.create(
        meeting=meeting,
        user=cast.member,
        member_type=MemberType.LIVED_EXPERIENCE,
        reply=Reply.COMING,
        way=AttendanceWay.VIDEO,
        invited_at=timezone.now(),
        attended=True,
    )
    poll = Meeting.objects.create(project=cast.website, title="Planning the launch")
    option = DateOption.objects.create(meeting=poll, starts_at=at(20, 10), ends_at=at(20, 12))
    DateAnswer.objects.create(option=option, user=cast.member, answer=Availability.IF_NEED_BE)
    WrittenInput.objects.create(
        meeting=meeting,
        agenda_item=item,
        author=cast.member,
        kind=InputKind.COOLING_OFF,
        text="The phone number should be at the top.",
    )
    ActionPoint.objects.create(
        meeting=meeting, agenda_item=item, text="Ask the helpline for wording", owner=cast.member
    )
    Contribution.objects.create(
        meeting=meeting,
        agenda_item=item,
        user=cast.member,
        member_type=MemberType.LIVED_EXPERIENCE,
        way=ContributionWay.REMOTE,
        recorded_by=cast.coordinator,
    )
    AfterMeetingCheck.objects.create(
        meeting=meeting,
        respondent=cast.member,
        co_producing=4,
        ground_rules=5,
        work_plan=3,
        went_well="Everyone was listened to.",
    )
    skill = Skill.objects.create(project=cast.website, name="Easy read writing")
    SkillOffer.objects.create(skill=skill, user=cast.member)
    call = Call.objects.create(
        project=cast.employment,
        title="Join the employment group",
        description="Tell us about work.",
        closes_on=timezone.localdate() + datetime.timedelta(days=10),
        places=4,
    )
    question = CallQuestion.objects.create(call=call, text="Why do you want to join?")
    Application.objects.create(
        call=call,
        full_name="Amira Haddad",
        email="Amira@example.org",
        phone="07700 900111",
        answers={str(question.pk): "I want fairer interviews."},
    )
    return meeting


def test_it_gives_amira_her_replies_thoughts_poll_answers_and_actions(cast: Cast) -> None:
    amira_takes_part(cast)
    amira = client_for(cast.member)
    data = json.loads(amira.get(reverse("privacy:data_export"), {"format": "json"}).content)
    assert [(row["meeting"], row["reply"], row["attended"]) for row in data["meeting_replies"]] == [
        ("Testing the crisis pages", "Coming", True)
    ]
    assert [(r["meeting"], r["answer"]) for r in data["date_poll_answers"]] == [
        ("Planning the launch", "If need be")
    ]
    assert data["written_thoughts"][0]["text"] == "The phone number should be at the top."
    assert data["written_thoughts"][0]["agenda_item"] == "The crisis page"
    assert data["action_points"][0]["text"] == "Ask the helpline for wording"
    assert data["contributions"][0]["way"] == "Spoke by video or phone"
    assert data["after_meeting_checks"][0]["went_well"] == "Everyone was listened to."
    assert data["skill_offers"] == [
        {
            "project": "Mental health information website",
            "skill": "Easy read writing",
            "offered_at": data["skill_offers"][0]["offered_at"],
        }
    ]
    application = data["applications"][0]
    assert (application["phone"], application["answers"]) == (
        "07700 900111",
        {"Why do you want to join?": "I want fairer interviews."},
    )
    page = amira.get(reverse("privacy:data_export"), {"format": "html"}).content.decode()
    for text in [
        "The phone number should be at the top.",
        "Ask the helpline for wording",
        "Planning the launch",
        "Everyone was listened to.",
        "I want fairer interviews.",
        "Easy read writing",
    ]:
        assert text in page


def test_it_leaves_other_peoples_replies_and_thoughts_out_of_colins_copy(cast: Cast) -> None:
    amira_takes_part(cast)
    response = client_for(cast.carer).get(reverse("privacy:data_export"), {"format": "json"})
    data = json.loads(response.content)
    for key in ["meeting_replies", "date_poll_answers", "written_thoughts", "action_points"]:
        assert data[key] == [], key
    assert "The phone number should be at the top." not in response.content.decode()


def test_it_erases_amiras_application_and_poll_answers_and_frees_her_actions(cast: Cast) -> None:
    meeting = amira_takes_part(cast)
    services.person_erase(user=cast.member, actor=cast.administrator)
    application = Application.objects.get()
    assert (application.full_name, application.email, application.phone, application.answers) == (
        "Former member",
        f"erased-{cast.member.pk}@invalid",
        "",
        {},
    )
    assert not DateAnswer.objects.exists()
    assert not SkillOffer.objects.exists()
    assert ActionPoint.objects.get().owner is None
    check = AfterMeetingCheck.objects.get()
    assert (check.respondent, check.went_well) == (None, "Everyone was listened to.")
    # The group's record of the meeting stays whole.
    assert Invitee.objects.get(meeting=meeting).user == User.objects.get(pk=cast.member.pk)
    assert WrittenInput.objects.filter(meeting=meeting).count() == 1
    assert Contribution.objects.filter(meeting=meeting).count() == 1


def queued_email(to: str, text: str, status: str = "READY") -> Any:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"to": [to], "subject": "Hello", "text": text}},
        task_path=send_email.module_path,
        backend_name="default",
        run_after=timezone.now(),
    )


def test_it_drops_amiras_queued_and_sent_emails_from_the_task_queue_at_erasure(
    cast: Cast,
) -> None:
    queued_email("amira@example.org", "Dear Amira Haddad, your meeting is tomorrow.")
    queued_email("Amira@example.org", "Sent already.", status="SUCCESSFUL")
    colins = queued_email("colin@example.org", "Dear Colin Price.")
    services.person_erase(user=cast.member, actor=cast.administrator)
    assert list(DBTaskResult.objects.all()) == [colins]
    # She is still told, after her old messages are gone (the test backend sends at once).
    assert mail.outbox[-1].to == ["amira@example.org"]


def test_it_forgets_emails_once_they_are_sent(cast: Cast) -> None:
    queued_email("colin@example.org", "Sent already.", status="SUCCESSFUL")
    failed = queued_email("priya@example.org", "Bounced.", status="FAILED")
    waiting = queued_email("tom@example.org", "Not yet.")
    send_email.call(to=["deborah@example.org"], subject="Hi", text="Hi", html="<p>Hi</p>")
    assert set(DBTaskResult.objects.all()) == {failed, waiting}
