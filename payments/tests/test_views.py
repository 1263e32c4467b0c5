"""The payments pages: the journey from the register to a paid claim on a statement, with
what each person may see and what bad input gets."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.models import AuditEvent, User
from conftest import Cast, client_for, date_fields
from meetings.models import AttendanceWay
from payments import services
from payments.models import (
    Claim,
    ClaimLine,
    ClaimStatus,
    Expense,
    InvolvementEntry,
    PaymentRun,
    Rate,
)
from payments.tests.helpers import a_claim, amira_is_paid_by_bank, attended, held_meeting, set_rates


@pytest.fixture
def finance(cast: Cast) -> User:
    return cast.finance


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, "PNG")
    return buffer.getvalue()


def expense_data(cast: Cast, **changes: object) -> dict[str, object]:
    return {
        "project": cast.website.pk,
        "kind": "travel",
        "description": "Bus to the town hall and back",
        "amount": "4.60",
        **date_fields("date", timezone.localdate() - datetime.timedelta(days=1)),
        **changes,
    }


def test_it_proposes_a_meeting_from_the_register_and_logs_it_when_confirmed(cast: Cast) -> None:
    meeting = held_meeting(cast.website, minutes=120)
    attended(meeting, cast.member)
    amira = client_for(cast.member)
    page = amira.get(reverse("payments:mine")).content.decode()
    assert "Testing the crisis pages" in page
    assert "120 minutes at the meeting and 60 minutes to prepare" in page

    response = amira.post(
        reverse("payments:involvement_confirm", kwargs={"meeting_pk": meeting.pk})
    )
    assert response.status_code == 302
    entry = InvolvementEntry.objects.get(user=cast.member)
    assert (entry.minutes, entry.preparation_minutes, entry.meeting) == (120, 60, meeting)
    assert "Add to my log" not in amira.get(reverse("payments:mine")).content.decode()
    # Confirming twice adds nothing, and says so.
    again = amira.post(reverse("payments:involvement_confirm", kwargs={"meeting_pk": meeting.pk}))
    assert again.status_code == 302
    told = amira.get(again["Location"]).content.decode()
    assert "“Testing the crisis pages” is already in your involvement log" in told
    assert InvolvementEntry.objects.filter(user=cast.member).count() == 1


def test_it_lets_amira_correct_a_proposal_before_logging_it(cast: Cast) -> None:
    meeting = held_meeting(cast.website, minutes=120)
    attended(meeting, cast.member)
    url = reverse("payments:involvement_add") + f"?meeting={meeting.pk}"
    amira = client_for(cast.member)
    form = amira.get(url).context["form"]
    assert form.initial["minutes"] == 120
    response = amira.post(
        url,
        {
            "project": cast.website.pk,
            "activity": "meeting",
            "description": meeting.title,
            "minutes": "150",
            "preparation_minutes": "30",
            "way": "video",
            **date_fields("date", timezone.localdate(meeting.starts_at)),
        },
    )
    assert response.status_code == 302
    entry = InvolvementEntry.objects.get(user=cast.member)
    assert (entry.minutes, entry.preparation_minutes, entry.way, entry.meeting) == (
        150,
        30,
        "video",
        meeting,
    )


def test_it_proposes_a_meeting_the_way_the_register_says_they_took_part(cast: Cast) -> None:
    meeting = held_meeting(cast.website)
    invitee = attended(meeting, cast.member, way=AttendanceWay.IN_PERSON)
    (proposal,) = services.involvement_proposals(cast.member)
    # Nothing on the register about how: what she said she would do.
    assert proposal.way == AttendanceWay.IN_PERSON
    invitee.attended_way = AttendanceWay.VIDEO
    invitee.save(update_fields=["attended_way"])
    (proposal,) = services.involvement_proposals(cast.member)
    assert proposal.way == AttendanceWay.VIDEO


def test_it_refuses_an_activity_in_the_future(cast: Cast) -> None:
    response = client_for(cast.member).post(
        reverse("payments:involvement_add"),
        {
            "project": cast.website.pk,
            "activity": "reading",
            "minutes": "60",
            **date_fields("date", timezone.localdate() + datetime.timedelta(days=3)),
        },
    )
    assert response.status_code == 400
    assert "cannot be in the future" in response.content.decode()
    assert not InvolvementEntry.objects.exists()


def test_it_keeps_an_expense_with_its_receipt_checked_by_content(cast: Cast) -> None:
    amira = client_for(cast.member)
    response = amira.post(
        reverse("payments:expense_add"),
        expense_data(cast, receipt=SimpleUploadedFile("ticket.png", png(), "image/png")),
    )
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.amount == Decimal("4.60")
    assert expense.receipt_type == "image/png"
    served = amira.get(reverse("payments:receipt", kwargs={"pk": expense.pk}))
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png()  # type: ignore[attr-defined]
    # Colin, in the same group, cannot see Amira's receipt.
    assert (
        client_for(cast.carer)
        .get(reverse("payments:receipt", kwargs={"pk": expense.pk}))
        .status_code
        == 404
    )


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("receipt.pdf", b"MZ\x90\x00 a program", "application/pdf"),
            "another kind",
        ),
        (SimpleUploadedFile("receipt.png", b"\x89PNG\r\n\x1a\n broken", "image/png"), "damaged"),
        (
            SimpleUploadedFile(
                "receipt.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024), "application/pdf"
            ),
            "5 MB or smaller",
        ),
    ],
)
def test_it_refuses_receipts_of_the_wrong_kind_or_too_large(
    cast: Cast, upload: SimpleUploadedFile, message: str
) -> None:
    response = client_for(cast.member).post(
        reverse("payments:expense_add"), expense_data(cast, receipt=upload)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-4.60", "more than £0"),
        ("0", "more than £0"),
        ("25000", "£1,000 or less"),
        ("4.605", "to the penny"),
        ("lots", "pounds and pence"),
    ],
)
def test_it_refuses_negative_and_absurd_amounts(cast: Cast, amount: str, message: str) -> None:
    response = client_for(cast.member).post(
        reverse("payments:expense_add"), expense_data(cast, amount=amount)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Expense.objects.exists()


def test_it_asks_for_bank_details_and_shows_only_the_end_of_the_account(cast: Cast) -> None:
    amira = client_for(cast.member)
    missing = amira.post(reverse("payments:choice"), {"choice": "bank"})
    assert missing.status_code == 400
    assert "Enter the sort code" in missing.content.decode()
    saved = amira.post(
        reverse("payments:choice"),
        {
            "choice": "bank",
            "account_name": "A Haddad",
            "sort_code": "309457",
            "account_number": "12345678",
        },
    )
    assert saved.status_code == 302
    page = amira.get(reverse("payments:mine")).content.decode()
    assert "******78" in page
    assert "12345678" not in page


def test_it_reminds_people_to_get_benefits_advice_with_the_organisations_link(cast: Cast) -> None:
    from accounts.models import Organisation

    Organisation.objects.filter(pk=1).update(benefits_advice_url="https://advice.example.org/")
    page = client_for(cast.member).get(reverse("payments:choice")).content.decode()
    assert "benefits adviser" in page
    assert 'href="https://advice.example.org/"' in page


def test_it_repays_a_member_who_declined_payment(cast: Cast) -> None:
    set_rates()
    amira = client_for(cast.member)
    amira.post(reverse("payments:choice"), {"choice": "none"})
    amira.post(reverse("payments:expense_add"), expense_data(cast))
    services.involvement_record(
        user=cast.member,
        project=cast.website,
        activity="reading",
        date=timezone.localdate(),
        minutes=60,
        actor=cast.member,
    )
    page = amira.get(reverse("payments:claim_new"))
    assert "pays back your expenses only" in page.content.decode()
    response = amira.post(
        reverse("payments:claim_new"),
        {"items": [v for v, _l in page.context["form"].fields["items"].choices]},
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert (claim.fees, claim.expenses_total, claim.total) == (
        Decimal("0.00"),
        Decimal("4.60"),
        Decimal("4.60"),
    )


def test_it_walks_a_claim_from_submission_through_a_run_to_the_statement(
    cast: Cast, finance: User
) -> None:
    set_rates()
    claim = a_claim(cast)
    deborah = client_for(cast.chair)
    # Amira cannot approve her own claim.
    own = client_for(cast.member).post(
        reverse("payments:claim_approve", kwargs={"pk": claim.pk}), {"version": claim.version}
    )
    assert own.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED

    deborah.post(
        reverse("payments:claim_query", kwargs={"pk": claim.pk}),
        {"question": "Which bus?", "version": claim.version},
    )
    claim.refresh_from_db()
    client_for(cast.member).post(
        reverse("payments:claim_answer", kwargs={"pk": claim.pk}),
        {"answer": "The 12.", "version": claim.version},
    )
    claim.refresh_from_db()
    approve = deborah.post(
        reverse("payments:claim_approve", kwargs={"pk": claim.pk}), {"version": claim.version}
    )
    assert approve.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED

    fatima = client_for(finance)
    today = timezone.localdate()
    response = fatima.post(
        reverse("payments:run_new"),
        {**date_fields("period_start", today), **date_fields("period_end", today)},
    )
    run = PaymentRun.objects.get()
    assert response["Location"] == reverse("payments:run_detail", kwargs={"pk": run.pk})
    assert list(run.claims.all()) == [claim]
    assert fatima.get(reverse("payments:run_summary", kwargs={"pk": run.pk})).status_code == 200
    fatima.post(reverse("payments:run_paid", kwargs={"pk": run.pk}))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID

    statement = client_for(cast.member).get(reverse("payments:statement")).content.decode()
    assert claim.reference in statement
    assert f"£{claim.total}" in statement
    pdf = client_for(cast.member).get(reverse("payments:statement_pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


def test_it_makes_finance_say_why_before_exporting_payment_details_and_records_it(
    cast: Cast, finance: User
) -> None:
    set_rates()
    amira_is_paid_by_bank(cast)
    claim = a_claim(cast)
    services.claim_approve(claim=claim, actor=cast.chair)
    run = services.payment_run_create(
        period_start=timezone.localdate(), period_end=timezone.localdate(), actor=finance
    )
    url = reverse("payments:run_export", kwargs={"pk": run.pk})
    fatima = client_for(finance)
    assert "12345678" not in fatima.get(url).content.decode()
    assert fatima.post(url, {}).status_code == 400
    response = fatima.post(url, {"purpose": "pay"})
    assert response["Content-Type"].startswith("text/csv")
    assert "12345678" in response.content.decode()
    event = AuditEvent.objects.get(action="payments.details_viewed")
    assert (event.actor, event.subject, event.data["purpose"]) == (
        finance,
        cast.member,
        "To make a payment",
    )

    details = reverse("payments:person_details", kwargs={"pk": cast.member.pk})
    assert "12345678" not in fatima.get(details).content.decode()
    assert "12345678" in fatima.post(details, {"purpose": "check"}).content.decode()
    assert AuditEvent.objects.filter(action="payments.details_viewed").count() == 2


def test_it_never_shows_a_member_another_members_claim(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    url = reverse("payments:claim_detail", kwargs={"pk": claim.pk})
    assert client_for(cast.carer).get(url).status_code == 404
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.member).get(url).status_code == 200
    assert client_for(cast.chair).get(url).status_code == 200
    assert "A Haddad" not in client_for(cast.chair).get(url).content.decode()


def test_it_lets_a_coordinator_claim_on_a_members_behalf(cast: Cast) -> None:
    set_rates()
    response = client_for(cast.coordinator).post(
        reverse("payments:claim_on_behalf", kwargs={"pk": cast.website.pk}),
        {
            "person": cast.carer.pk,
            "project": cast.website.pk,
            "activity": "reading",
            "minutes": "60",
            "expense_kind": "travel",
            "expense_description": "Train",
            "expense_amount": "12.20",
            **date_fields("date", timezone.localdate()),
        },
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.user == cast.carer
    assert claim.on_behalf
    assert claim.total == Decimal("32.20")


def many_claims(cast: Cast, n: int) -> None:
    """`n` more people, each with an activity and a claim for it, made in a few queries."""
    start = User.objects.count()
    people = User.objects.bulk_create(
        User(email=f"member{start + i}@example.org", full_name=f"Member {start + i}", password="!")
        for i in range(n)
    )
    entries = InvolvementEntry.objects.bulk_create(
        InvolvementEntry(
            user=person,
            project=cast.website,
            activity="reading",
            date=timezone.localdate(),
            minutes=60,
        )
        for person in people
    )
    claims = Claim.objects.bulk_create(
        Claim(
            user=person,
            project=cast.website,
            choice="bank",
            submitted_by=person,
            total=Decimal("20.00"),
            fees=Decimal("20.00"),
        )
        for person in people
    )
    ClaimLine.objects.bulk_create(
        ClaimLine(
            claim=claim,
            entry=entry,
            date=entry.date,
            description="Reading",
            amount=Decimal("20.00"),
        )
        for claim, entry in zip(claims, entries, strict=True)
    )


def count_queries(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_uses_the_same_number_of_queries_for_10_and_1000_claims(
    cast: Cast, finance: User
) -> None:
    deborah, fatima, amira = client_for(cast.chair), client_for(finance), client_for(cast.member)
    claims_url = reverse("payments:project_claims", kwargs={"pk": cast.website.pk})
    pages = [
        (deborah, claims_url),
        (amira, reverse("payments:statement") + "?period=everything"),
        (amira, reverse("payments:mine")),
        (amira, reverse("payments:claim_new")),
    ]
    many_claims(cast, 10)
    Claim.objects.update(user=cast.member)
    before = [count_queries(client, url) for client, url in pages]
    Claim.objects.update(
        status=ClaimStatus.APPROVED, approved_by=cast.chair, approved_at=timezone.now()
    )
    run = services.payment_run_create(
        period_start=timezone.localdate(), period_end=timezone.localdate(), actor=finance
    )
    run_pages = [
        (fatima, reverse("payments:run_detail", kwargs={"pk": run.pk})),
        (fatima, reverse("payments:run_summary", kwargs={"pk": run.pk})),
        (fatima, reverse("payments:finance")),
        (deborah, claims_url + "?status=approved"),
    ]
    run_before = [count_queries(client, url) for client, url in run_pages]
    Claim.objects.update(status=ClaimStatus.SUBMITTED, run=None, approved_by=None, approved_at=None)

    many_claims(cast, 990)
    Claim.objects.update(user=cast.member)
    assert Claim.objects.count() == 1000
    assert [count_queries(client, url) for client, url in pages] == before
    Claim.objects.filter(run__isnull=True).update(
        status=ClaimStatus.APPROVED, approved_by=cast.chair, approved_at=timezone.now()
    )
    Claim.objects.filter(run__isnull=True).update(run=run)
    assert run.claims.count() == 1000
    assert [count_queries(client, url) for client, url in run_pages] == run_before


def unclaimed(cast: Cast, n: int) -> None:
    """`n` more activities and `n` more expenses of Amira's, none claimed, in two queries."""
    day = timezone.localdate() - datetime.timedelta(days=1)
    InvolvementEntry.objects.bulk_create(
        InvolvementEntry(
            user=cast.member, project=cast.website, activity="reading", date=day, minutes=60
        )
        for _ in range(n)
    )
    Expense.objects.bulk_create(
        Expense(
            user=cast.member,
            project=cast.website,
            kind="travel",
            date=day,
            description="Bus",
            amount=Decimal("4.60"),
        )
        for _ in range(n)
    )


def test_it_offers_a_page_at_a_time_to_claim_with_the_same_queries_for_3_and_1000(
    cast: Cast,
) -> None:
    set_rates()
    amira = client_for(cast.member)
    url = reverse("payments:claim_new")
    unclaimed(cast, 3)
    small = count_queries(amira, url)
    page = amira.get(url)
    assert len(page.context["form"].fields["items"].choices) == 6
    assert "Activities not claimed yet: 3. Expenses not claimed yet: 3." in page.content.decode()
    assert "up to 25 of each" not in page.content.decode()

    unclaimed(cast, 997)
    assert count_queries(amira, url) == small
    page = amira.get(url)
    html = page.content.decode()
    assert len(page.context["form"].fields["items"].choices) == 50
    assert html.count('type="checkbox"') == 50
    assert "Activities not claimed yet: 1000. Expenses not claimed yet: 1000." in html
    assert "This page shows up to 25 of each, newest first" in html
    assert 'aria-label="Pages of activities not claimed yet"' in html
    assert "?time=2" in html
    assert "?expenses=2" in html

    # Claiming what is on the second pages claims just those 50, from that page.
    second = f"{url}?time=2&expenses=2"
    offered = [v for v, _l in amira.get(second).context["form"].fields["items"].choices]
    response = amira.post(second, {"items": offered})
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.lines.count() == 50
    assert {f"e-{pk}" for pk in claim.lines.values_list("entry_id", flat=True) if pk} | {
        f"x-{pk}" for pk in claim.lines.values_list("expense_id", flat=True) if pk
    } == set(offered)
    assert services.unclaimed_entries(cast.member).count() == 975


def test_it_still_claims_what_was_ticked_when_the_pages_moved_on(cast: Cast) -> None:
    """Amira ticked items on page 2, then claimed page 1 in another tab: page 2's items are
    now on page 1, and what she ticked still counts."""
    set_rates()
    unclaimed(cast, 30)
    amira = client_for(cast.member)
    url = reverse("payments:claim_new")
    second = [v for v, _l in amira.get(f"{url}?time=2").context["form"].fields["items"].choices]
    second = [value for value in second if value.startswith("e-")]
    assert len(second) == 5
    first = [v for v, _l in amira.get(url).context["form"].fields["items"].choices]
    assert amira.post(url, {"items": [v for v in first if v.startswith("e-")]}).status_code == 302
    assert amira.post(f"{url}?time=2", {"items": second}).status_code == 302
    assert Claim.objects.count() == 2
    assert Claim.objects.order_by("pk").last().lines.count() == 5  # type: ignore[union-attr]


def test_it_says_clearly_when_something_ticked_was_claimed_already(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    entry_id = claim.lines.exclude(entry=None).get().entry_id
    response = client_for(cast.member).post(
        reverse("payments:claim_new"), {"items": [f"e-{entry_id}"]}
    )
    assert response.status_code == 400
    assert "Something you chose is already in a claim or was removed" in response.content.decode()
    assert Claim.objects.count() == 1


def test_it_refuses_an_expense_dated_in_the_future(cast: Cast) -> None:
    response = client_for(cast.member).post(
        reverse("payments:expense_add"),
        expense_data(
            cast, **date_fields("date", timezone.localdate() + datetime.timedelta(days=1))
        ),
    )
    assert response.status_code == 400
    assert "The date cannot be in the future" in response.content.decode()
    assert not Expense.objects.exists()


@pytest.mark.parametrize(
    ("minutes", "message"),
    [
        ("0", "above 0"),
        ("-30", "above 0"),
        ("1441", "more than a day"),
        ("lots", "as a number"),
    ],
)
def test_it_refuses_absurd_lengths_of_time(cast: Cast, minutes: str, message: str) -> None:
    response = client_for(cast.member).post(
        reverse("payments:involvement_add"),
        {
            "project": cast.website.pk,
            "activity": "reading",
            "minutes": minutes,
            **date_fields("date", timezone.localdate()),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not InvolvementEntry.objects.exists()


def test_it_judges_a_receipt_by_what_it_holds_not_its_name(cast: Cast) -> None:
    """A photo named like a PDF is kept and served as the photo it is."""
    amira = client_for(cast.member)
    upload = SimpleUploadedFile("receipt.pdf", png(), "application/pdf")
    response = amira.post(reverse("payments:expense_add"), expense_data(cast, receipt=upload))
    assert response.status_code == 302
    expense = Expense.objects.get()
    assert expense.receipt_type == "image/png"
    served = amira.get(reverse("payments:receipt", kwargs={"pk": expense.pk}))
    assert served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"


def test_it_never_shows_a_member_another_members_payments_anywhere(
    cast: Cast, finance: User
) -> None:
    set_rates()
    amira_is_paid_by_bank(cast)
    claim = a_claim(cast)
    colin = client_for(cast.carer)
    for url in (
        reverse("payments:mine"),
        reverse("payments:statement") + "?period=everything",
        reverse("payments:claim_new"),
    ):
        page = colin.get(url).content.decode()
        assert claim.reference not in page
        assert "Bus to the town hall" not in page
        assert "12345678" not in page
    assert colin.get(reverse("payments:statement_pdf")).status_code == 200
    expense = Expense.objects.get(user=cast.member)
    for url in (
        reverse("payments:claim_detail", kwargs={"pk": claim.pk}),
        reverse("payments:receipt", kwargs={"pk": expense.pk}),
        reverse("payments:expense_edit", kwargs={"pk": expense.pk}),
    ):
        assert colin.get(url).status_code == 404
    assert (
        colin.get(reverse("payments:person_details", kwargs={"pk": cast.member.pk})).status_code
        == 403
    )
    # Those who approve it, and finance, see the claim but never the bank details on it.
    for person in (cast.chair, finance):
        seen = client_for(person).get(reverse("payments:claim_detail", kwargs={"pk": claim.pk}))
        assert claim.reference in seen.content.decode()
        assert "12345678" not in seen.content.decode()
    assert not AuditEvent.objects.filter(action="payments.details_viewed").exists()


def test_it_lets_finance_set_a_rate_from_a_date_and_refuses_a_second_for_that_date(
    finance: User,
) -> None:
    fatima = client_for(finance)
    data = {
        "activity": "meeting",
        "unit": "hour",
        "amount": "25.00",
        **date_fields("effective_from", datetime.date(2026, 4, 6)),
    }
    assert fatima.post(reverse("payments:rates"), data).status_code == 302
    again = fatima.post(reverse("payments:rates"), {**data, "amount": "27.00"})
    assert again.status_code == 400
    assert "There is already a rate for this activity from that date" in again.content.decode()
    for amount, message in [("-5", "more than £0"), ("2500", "£1,000 or less")]:
        wrong = fatima.post(
            reverse("payments:rates"),
            {**data, "amount": amount, **date_fields("effective_from", datetime.date(2026, 5, 1))},
        )
        assert message in wrong.content.decode()
    assert [(r.amount, r.effective_from) for r in Rate.objects.all()] == [
        (Decimal("25.00"), datetime.date(2026, 4, 6))
    ]
    assert AuditEvent.objects.filter(action="payments.rate_added").count() == 1
