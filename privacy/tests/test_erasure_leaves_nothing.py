"""Erasing the demo's most active member leaves her name and address in no table at all,
once the administrator has removed her name from what others wrote about her."""

import base64
import io
import pickle
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models
from django.db.models.functions import Cast
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import client_for
from coproduce.lib.fragments import rendered_rows
from decisions.models import Action, Comment, Proposal, Subscriber
from meetings.models import ActionPoint, AfterMeetingCheck, Meeting, MinutesVersion
from payments.models import Expense, ExpenseKind
from people.models import MemberType, PersonMemberType, Profile
from privacy import services
from projects.models import GroundRulesAnswer, GroundRulesVersion, Project, Stakeholder
from recruitment.models import Application, Call

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
FULL_NAME, PREFERRED_NAME, EMAIL = "Amira Haddad", "Amira", "amira@example.org"

# The only places her name or address may stay, with the README's reason for each.
KEPT = {
    # "A sent email's stored copy in the task queue is dropped once the next email goes out":
    # the email telling her that her data is deleted is queued after the erasure, to her.
    ("django_tasks_database.dbtaskresult", "args_kwargs"): "the email saying her data is deleted",
}

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.EmailField)


def hits_anywhere(terms: list[str]) -> set[tuple[str, str, int, str]]:
    """Every row of every table whose text columns hold one of the terms, case ignored."""
    found = set()
    for model in apps.get_models():
        fields = [
            field.name for field in model._meta.concrete_fields if isinstance(field, TEXT_FIELDS)
        ]
        for name in fields:
            rows = model._default_manager.annotate(as_text=Cast(name, models.TextField()))
            for term in terms:
                for pk, text in rows.filter(as_text__icontains=term).values_list("pk", "as_text"):
                    where = text.lower().index(term.lower())
                    found.add((model._meta.label_lower, name, pk, text[max(where - 40, 0) :][:100]))
    return found


def kept_row_naming(name: str) -> dict[str, object]:
    return {
        "pk": 1,
        "meeting_pk": 1,
        "starts_at": None,
        "number": 1,
        "title": "Welcome",
        "can_manage": False,
        "first": True,
        "last": True,
        "purpose": "information",
        "purpose_label": "Information",
        "minutes_words": "10 minutes",
        "presenter": name,
        "papers": [],
        "description": "",
        "advance_inputs": [],
    }


def kept_texts_naming(name: str) -> list[str]:
    """Every row kept drawn that shows `name`, read back as the cache stores it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM coproduce_kept")
        values = [pickle.loads(base64.b64decode(value)) for (value,) in cursor.fetchall()]  # noqa: S301
    return [value for value in values if isinstance(value, str) and name in value]


def give_amira_the_rest(amira: User) -> None:
    """What the demo does not have her do yet: apply, agree ground rules, own actions, claim
    with a receipt, answer a check with her name, subscribe to "you said, we did", and be
    written about by others in the group's text."""
    grace = User.objects.get(email="grace@example.org")
    website = Project.objects.get(memberships__user=amira)
    meeting = Meeting.objects.filter(project=website).order_by("starts_at").first()
    assert meeting is not None
    call = Call.objects.create(
        project=website,
        title="Join the website group",
        description="Amira Haddad will tell you what it is like.",
        closes_on=timezone.localdate(),
        places=2,
    )
    Application.objects.create(
        call=call, full_name=FULL_NAME, email=EMAIL, phone="07700 900123", answers={"why": "I"}
    )
    PersonMemberType.objects.get_or_create(user=amira, member_type=MemberType.LIVED_EXPERIENCE)
    rules = GroundRulesVersion.objects.filter(project=website).order_by("-number").first()
    assert rules is not None
    GroundRulesAnswer.objects.update_or_create(
        version=rules, user=amira, defaults={"agrees": False, "cannot_agree_with": "Rule 3"}
    )
    ActionPoint.objects.create(meeting=meeting, text="Send Amira the bus times", owner=amira)
    Action.objects.create(project=website, text=f"Phone {FULL_NAME} about the site", owner=amira)
    Comment.objects.create(
        proposal=Proposal.objects.filter(project=website).earliest("pk"),
        author=grace,
        member_type=MemberType.FACILITATOR,
        text=f"As {PREFERRED_NAME} said, keep it short. Write to {EMAIL}.",
    )
    Stakeholder.objects.create(
        project=website, name="Local bus company", interest="Routes", contact=EMAIL
    )
    Subscriber.objects.create(project=website, email=EMAIL)
    AfterMeetingCheck.objects.create(
        meeting=meeting,
        respondent=amira,
        co_producing=4,
        ground_rules=4,
        work_plan=4,
        went_well="I, Amira, felt heard.",
    )
    expense = Expense(
        user=amira,
        project=website,
        kind=ExpenseKind.TRAVEL,
        date=timezone.localdate(),
        description="Bus",
        amount=Decimal("4.60"),
        receipt_type="image/png",
    )
    expense.receipt.save("amira-haddad-bus.png", ContentFile(PNG), save=False)
    expense.save()


@pytest.fixture
def demo(db: None, tmp_path: Path, settings: Settings) -> User:
    settings.MEDIA_ROOT = tmp_path
    with override_settings(TASKS=DATABASE_TASKS):
        call_command("demo", "--force", stdout=io.StringIO())
    amira = User.objects.get(email=EMAIL)
    # The name she likes to be called, which is how the group's minutes speak of her.
    Profile.objects.update_or_create(user=amira, defaults={"preferred_name": PREFERRED_NAME})
    give_amira_the_rest(amira)
    return amira


@override_settings(TASKS=DATABASE_TASKS)
def test_it_leaves_amiras_name_and_address_nowhere_after_redacting_and_erasing(
    demo: User, settings: Settings
) -> None:
    amira = demo
    sam = User.objects.get(email="sam@example.org")
    before = hits_anywhere([FULL_NAME, PREFERRED_NAME, EMAIL])
    assert before, "the demo should name Amira somewhere"
    receipts = list(
        Expense.objects.filter(user=amira).exclude(receipt="").values_list("receipt", flat=True)
    )
    erasure = services.erasure_request_create(user=amira, reason="Moving away.")
    admin = client_for(sam)
    decide = reverse("privacy:erasure_decide", kwargs={"pk": erasure.pk})

    page = admin.get(decide).content.decode()
    mentions = services.person_mentions(user=amira)
    # Minutes, a comment, an action, a check, a stakeholder contact and a call at least.
    assert len(mentions) >= 6, mentions
    assert "Where others wrote their name" in page
    assert all(mention.where in page for mention in mentions[:10])
    minutes_before = MinutesVersion.objects.count()
    while mentions:
        url = reverse("privacy:mention_redact", kwargs={"pk": erasure.pk})
        confirm = admin.get(url, {"key": mentions[0].key})
        assert confirm.status_code == 200, mentions[0]
        done = admin.post(url + f"?key={mentions[0].key}", {"key": mentions[0].key})
        assert done.status_code == 302, (
            mentions[0],
            re.findall(r"<li>(.*?)</li>", done.content.decode()),
        )
        mentions = services.person_mentions(user=amira)
    assert MinutesVersion.objects.count() > minutes_before
    assert AuditEvent.objects.filter(action="erasure.name_removed", actor=sam).exists()

    # A page drew a row naming her and kept it (coproduce/lib/fragments.py).
    rendered_rows("meetings/_agenda_item.html", [kept_row_naming(FULL_NAME)])
    assert kept_texts_naming(FULL_NAME)

    assert admin.post(decide, {"decision": "erase"}).status_code == 302
    assert not kept_texts_naming(FULL_NAME)

    left = {
        hit
        for hit in hits_anywhere([FULL_NAME, PREFERRED_NAME, EMAIL])
        if (hit[0], hit[1]) not in KEPT
    }
    assert not left, "\n".join(map(str, sorted(left)))
    kept_emails = DBTaskResult.objects.annotate(
        as_text=Cast("args_kwargs", models.TextField())
    ).filter(as_text__icontains=EMAIL)
    assert kept_emails.count() == 1
    assert re.search("We have deleted your data", str(kept_emails.get().args_kwargs))
    # Her receipt files are gone from storage, not only from the rows.
    assert not Expense.objects.filter(user=amira).exclude(receipt="").exists()
    assert receipts
    assert not any(default_storage.exists(name) for name in receipts)
