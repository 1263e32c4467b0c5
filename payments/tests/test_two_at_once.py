"""Two people, or one person in two tabs, acting on the same claim or log at once: the second
is refused or told, keeps what they typed, and nothing is overwritten, claimed twice or
emailed twice."""

import datetime
import re
from pathlib import Path
from typing import Any

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast, client_for, date_fields
from payments import services
from payments.models import (
    ActivityKind,
    Claim,
    ClaimLine,
    ClaimStatus,
    Expense,
    ExpenseKind,
    InvolvementEntry,
)
from payments.tests.helpers import a_claim, an_entry, an_expense, attended, held_meeting, set_rates


def hidden(page: str) -> dict[str, str]:
    """The hidden values a page's form sends back, as drawn."""
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))


def opened(client: Client, url: str) -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    return hidden(response.content.decode())


def test_it_refuses_an_answer_to_a_question_asked_again_since_amira_opened_it(
    cast: Cast,
) -> None:
    set_rates()
    claim = a_claim(cast)
    services.claim_query(claim=claim, actor=cast.chair, question="Which bus did you take?")
    url = reverse("payments:claim_answer", kwargs={"pk": claim.pk})
    amira = client_for(cast.member)
    first_tab, second_tab = opened(amira, url), opened(amira, url)
    assert amira.post(url, {**first_tab, "answer": "The number 12."}).status_code == 302
    # Deborah reads the answer and asks again.
    claim.refresh_from_db()
    services.claim_query(
        claim=claim,
        actor=cast.chair,
        question="Was it a return ticket?",
        expected_version=claim.version,
    )

    response = amira.post(url, {**second_tab, "answer": "Both ways, on the 12."})

    assert response.status_code == 400
    page = response.content.decode()
    assert "This claim was changed after you opened it" in page
    assert "What is different now: the question. What you wrote is still below." in page
    assert "Both ways, on the 12." in page  # what she wrote is kept
    assert "Was it a return ticket?" in page  # with the question as it is now
    claim.refresh_from_db()
    assert (claim.status, claim.answer) == (ClaimStatus.QUERIED, "")
    # Having read the new question, she sends her answer from the page as it now stands.
    again = amira.post(url, {**hidden(page), "answer": "Yes, a return."})
    assert again.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.answer) == (ClaimStatus.SUBMITTED, "Yes, a return.")


def test_it_refuses_an_answer_to_a_claim_amira_changed_in_another_tab(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    services.claim_query(claim=claim, actor=cast.chair, question="Was it 90 minutes?")
    url = reverse("payments:claim_answer", kwargs={"pk": claim.pk})
    amira = client_for(cast.member)
    drawn = opened(amira, url)
    entry = InvolvementEntry.objects.get(user=cast.member)
    entry.minutes = 60
    services.involvement_update(
        entry=entry, actor=cast.member, changed=["minutes"], expected_version=entry.version
    )

    response = amira.post(url, {**drawn, "answer": "Yes, 90 minutes."})

    assert response.status_code == 400
    page = response.content.decode()
    assert "What is different now: what it claims for, the total." in page
    assert "Yes, 90 minutes." in page
    assert Claim.objects.get(pk=claim.pk).answer == ""


def test_it_sends_a_claim_back_once_when_deborah_and_grace_ask_at_once(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    url = reverse("payments:claim_query", kwargs={"pk": claim.pk})
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    deborahs, graces = opened(deborah, url), opened(grace, url)
    mail.outbox.clear()

    asked = deborah.post(url, {**deborahs, "question": "Which bus did you take?"})
    late = grace.post(url, {**graces, "question": "Was the ticket a return?"})

    assert asked.status_code == 302
    assert late.status_code == 400
    page = late.content.decode()
    assert "Someone else has already dealt with this claim" in page
    assert "Was the ticket a return?" in page  # what Grace typed is kept
    claim.refresh_from_db()
    assert (claim.status, claim.question, claim.queried_by) == (
        ClaimStatus.QUERIED,
        "Which bus did you take?",
        cast.chair,
    )
    assert len(mail.outbox) == 1  # Amira is asked once


def test_it_claims_each_thing_once_when_amira_sends_a_claim_from_two_tabs(cast: Cast) -> None:
    set_rates()
    entry, expense = an_entry(cast), an_expense(cast)
    url = reverse("payments:claim_new")
    amira = client_for(cast.member)
    amira.get(url), amira.get(url)  # two tabs, each ticking both
    ticked = {"items": [f"e-{entry.pk}", f"x-{expense.pk}"]}

    assert amira.post(url, ticked).status_code == 302
    again = amira.post(url, ticked)

    assert again.status_code == 400
    page = again.content.decode()
    # The error summary links the message to the field it is about.
    assert re.search(r'href="#id_items[^"]*">Something you chose is already in a claim', page)
    claim = Claim.objects.get()
    assert ClaimLine.objects.filter(claim=claim).count() == 2


def test_it_makes_no_claim_at_all_when_one_of_graces_two_groups_cannot_be_worked_out(
    cast: Cast,
) -> None:
    set_rates()  # no rate for peer research
    reading = an_entry(cast, cast.coordinator)
    research = services.involvement_record(
        user=cast.coordinator,
        project=cast.employment,
        activity=ActivityKind.PEER_RESEARCH,
        date=timezone.localdate() - datetime.timedelta(days=1),
        minutes=60,
        actor=cast.coordinator,
    )

    response = client_for(cast.coordinator).post(
        reverse("payments:claim_new"), {"items": [f"e-{reading.pk}", f"e-{research.pk}"]}
    )

    assert response.status_code == 400
    assert "There is no rate for" in response.content.decode()
    assert not Claim.objects.exists()  # not half a claim: the reading is still unclaimed
    assert services.unclaimed_entries(cast.coordinator).count() == 2


def on_behalf_data(cast: Cast, page: dict[str, str], **changes: Any) -> dict[str, Any]:
    return {
        **page,
        "person": cast.carer.pk,
        "activity": ActivityKind.READING,
        "description": "Read the draft crisis pages",
        **date_fields("date", timezone.localdate() - datetime.timedelta(days=1)),
        "minutes": "60",
        "expense_kind": ExpenseKind.TRAVEL,
        "expense_description": "Bus to the library",
        "expense_amount": "3.20",
        **changes,
    }


def test_it_makes_one_claim_when_grace_sends_the_same_claim_for_colin_twice(
    cast: Cast,
) -> None:
    set_rates()
    url = reverse("payments:claim_on_behalf", kwargs={"pk": cast.website.pk})
    grace = client_for(cast.coordinator)
    page = opened(grace, url)
    assert len(page["submission_key"]) == 32

    made = grace.post(url, on_behalf_data(cast, page))
    # The same page again: a double press, or "back" and send again.
    again = grace.post(url, on_behalf_data(cast, page))

    assert made.status_code == 302
    assert again.status_code == 400
    claim = Claim.objects.get()
    text = again.content.decode()
    assert re.search(
        rf'href="#id_person[^"]*">This claim is already made, as claim {claim.reference} for '
        "Colin Price",
        text,
    )
    assert "Read the draft crisis pages" in text  # what she typed is kept
    assert InvolvementEntry.objects.filter(user=cast.carer).count() == 1
    assert claim.lines.count() == 2
    # A new page is a new claim.
    assert grace.post(url, on_behalf_data(cast, opened(grace, url))).status_code == 302
    assert Claim.objects.count() == 2


def test_it_leaves_nothing_in_colins_log_when_a_claim_for_him_is_refused(cast: Cast) -> None:
    url = reverse("payments:claim_on_behalf", kwargs={"pk": cast.website.pk})
    grace = client_for(cast.coordinator)
    page = opened(grace, url)

    refused = grace.post(url, on_behalf_data(cast, page))  # no rates set yet

    assert refused.status_code == 400
    assert "There is no rate for" in refused.content.decode()
    assert not InvolvementEntry.objects.filter(user=cast.carer).exists()
    assert not Claim.objects.exists()
    # Once finance sets the rates, the same page sent again makes the claim, once.
    set_rates()
    assert grace.post(url, on_behalf_data(cast, page)).status_code == 302
    assert InvolvementEntry.objects.filter(user=cast.carer).count() == 1
    assert Claim.objects.count() == 1


def test_it_adds_a_meeting_to_amiras_log_once_from_two_tabs(cast: Cast) -> None:
    meeting = held_meeting(cast.website)
    attended(meeting, cast.member)
    url = reverse("payments:involvement_add") + f"?meeting={meeting.pk}"
    amira = client_for(cast.member)
    amira.get(url), amira.get(url)
    corrected = {
        "project": cast.website.pk,
        "activity": ActivityKind.MEETING,
        "description": meeting.title,
        **date_fields("date", timezone.localdate(meeting.starts_at)),
        "minutes": "150",
        "way": "in_person",
    }

    assert amira.post(url, corrected).status_code == 302
    again = amira.post(url, {**corrected, "minutes": "120"})

    assert again.status_code == 400
    page = again.content.decode()
    assert re.search(rf'href="#id_activity[^"]*">“{meeting.title}” is already in your', page)
    entry = InvolvementEntry.objects.get(user=cast.member)
    assert (entry.meeting, entry.minutes) == (meeting, 150)
    # Confirming it from the list again is refused too, and said.
    confirm = amira.post(
        reverse("payments:involvement_confirm", kwargs={"meeting_pk": meeting.pk}), follow=True
    )
    assert f"“{meeting.title}” is already in your involvement log" in confirm.content.decode()
    assert InvolvementEntry.objects.filter(user=cast.member).count() == 1


def test_it_adds_an_expense_from_an_old_tab_without_touching_the_claim_sent_since(
    cast: Cast,
) -> None:
    set_rates()
    url = reverse("payments:expense_add")
    amira = client_for(cast.member)
    amira.get(url)
    claim = a_claim(cast)  # meanwhile, in another tab, she sends a claim

    added = amira.post(
        url,
        {
            "project": cast.website.pk,
            "kind": ExpenseKind.TRAVEL,
            "description": "Taxi home",
            **date_fields("date", timezone.localdate()),
            "amount": "12.00",
        },
    )

    assert added.status_code == 302
    fresh = Claim.objects.get(pk=claim.pk)
    assert (fresh.version, fresh.total, fresh.lines.count()) == (
        claim.version,
        claim.total,
        2,
    )
    assert [x.description for x in services.unclaimed_expenses(cast.member)] == ["Taxi home"]


def test_it_adds_amiras_expense_once_when_she_sends_the_same_page_twice(
    cast: Cast, media: Path
) -> None:
    url = reverse("payments:expense_add")
    amira = client_for(cast.member)
    page = opened(amira, url)
    assert len(page["submission_key"]) == 32
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    def sent() -> dict[str, Any]:
        return {
            **page,
            "project": cast.website.pk,
            "kind": ExpenseKind.TRAVEL,
            "description": "Bus to the town hall and back",
            **date_fields("date", yesterday),
            "amount": "4.60",
            "receipt": SimpleUploadedFile("ticket.pdf", b"%PDF-1.4 ticket", "application/pdf"),
        }

    assert amira.post(url, sent()).status_code == 302
    # The same page again: a double press, or "back" and send again.
    again = amira.post(url, sent())

    assert again.status_code == 400
    text = again.content.decode()
    assert re.search(
        r'href="#id_description[^"]*">You have already added this expense: it is in your list '
        r"as “Bus to the town hall and back”, £4.60 on ",
        text,
    )
    assert "Bus to the town hall and back" in text  # what she typed is kept
    assert page["submission_key"] in text  # and the page is still the same page
    assert Expense.objects.filter(user=cast.member).count() == 1
    assert len(list(media.rglob("*.pdf"))) == 1  # nor is a second receipt kept
    choices = client_for(cast.member).get(reverse("payments:claim_new")).content.decode()
    assert choices.count("Bus to the town hall and back") == 1
    # A new page is a new expense.
    assert amira.post(url, {**sent(), **opened(amira, url)}).status_code == 302
    assert Expense.objects.filter(user=cast.member).count() == 2


def test_it_logs_amiras_activity_once_when_she_sends_the_same_page_twice(cast: Cast) -> None:
    url = reverse("payments:involvement_add")
    amira = client_for(cast.member)
    page = opened(amira, url)
    assert len(page["submission_key"]) == 32
    reading = {
        **page,
        "project": cast.website.pk,
        "activity": ActivityKind.READING,
        "description": "Read the draft crisis pages",
        **date_fields("date", timezone.localdate() - datetime.timedelta(days=1)),
        "minutes": "60",
    }

    assert amira.post(url, reading).status_code == 302
    again = amira.post(url, {**reading, "minutes": "90"})

    assert again.status_code == 400
    text = again.content.decode()
    assert re.search(
        r'href="#id_activity[^"]*">You have already logged this: it is in your involvement '
        r"log as “Read the draft crisis pages” on ",
        text,
    )
    assert 'value="90"' in text  # what she typed is kept
    entry = InvolvementEntry.objects.get(user=cast.member)
    assert entry.minutes == 60
    # A new page is a new entry.
    assert amira.post(url, {**reading, **opened(amira, url)}).status_code == 302
    assert InvolvementEntry.objects.filter(user=cast.member).count() == 2
