"""What the claimant is told, by email if they take it: approved, sent back, paid."""

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conftest import Cast, client_for
from payments import services
from payments.tests.helpers import a_claim, set_rates
from people.models import ContactChannel, ContactFrequency, Profile


def test_it_emails_amira_when_her_claim_is_approved_with_a_link_to_it(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    mail.outbox.clear()
    response = client_for(cast.chair).post(
        reverse("payments:claim_approve", kwargs={"pk": claim.pk}), {"version": claim.version}
    )
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["amira@example.org"]
    assert claim.reference in message.subject
    assert "approved" in message.subject
    assert f"http://testserver/payments/claims/{claim.pk}/" in message.body
    assert f"£{claim.total}" in message.body


def test_it_emails_the_question_and_a_link_to_answer_it(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    mail.outbox.clear()
    client_for(cast.chair).post(
        reverse("payments:claim_query", kwargs={"pk": claim.pk}),
        {"question": "Which bus did you take from Mill Road?", "version": claim.version},
    )
    [message] = mail.outbox
    assert message.to == ["amira@example.org"]
    assert "question" in message.subject
    assert "Which bus did you take from Mill Road?" in message.body
    assert f"http://testserver/payments/claims/{claim.pk}/" in message.body
    html = message.alternatives[0].content  # type: ignore[attr-defined]
    assert "Which bus did you take from Mill Road?" in str(html)


def test_it_emails_each_person_once_when_their_run_is_paid(cast: Cast) -> None:
    set_rates()
    first, second, colins = a_claim(cast), a_claim(cast), a_claim(cast, cast.carer)
    for claim in (first, second, colins):
        services.claim_approve(claim=claim, actor=cast.chair)
    today = timezone.localdate()
    run = services.payment_run_create(period_start=today, period_end=today, actor=cast.finance)
    mail.outbox.clear()
    client_for(cast.finance).post(reverse("payments:run_paid", kwargs={"pk": run.pk}))
    by_person = {tuple(message.to): message for message in mail.outbox}
    assert len(mail.outbox) == 2
    amiras = by_person[("amira@example.org",)]
    assert first.reference in amiras.body
    assert second.reference in amiras.body
    assert colins.reference not in amiras.body
    assert "http://testserver/payments/statement/" in amiras.body
    # Pressing again pays nobody twice and tells nobody twice.
    client_for(cast.finance).post(reverse("payments:run_paid", kwargs={"pk": run.pk}))
    assert len(mail.outbox) == 2


def test_it_tells_people_who_want_weekly_news_about_their_own_money(cast: Cast) -> None:
    Profile.objects.create(
        user=cast.member, channels=[ContactChannel.EMAIL], frequency=ContactFrequency.WEEKLY
    )
    set_rates()
    claim = a_claim(cast)
    mail.outbox.clear()
    services.claim_approve(claim=claim, actor=cast.chair)
    assert [message.to for message in mail.outbox] == [["amira@example.org"]]


def test_it_asks_the_approver_to_phone_someone_who_takes_no_email(cast: Cast) -> None:
    Profile.objects.create(user=cast.member, channels=[ContactChannel.PHONE])
    set_rates()
    claim = a_claim(cast)
    mail.outbox.clear()
    response = client_for(cast.chair).post(
        reverse("payments:claim_approve", kwargs={"pk": claim.pk}),
        {"version": claim.version},
        follow=True,
    )
    assert mail.outbox == []
    assert "Amira Haddad does not take email" in response.content.decode()


def test_it_emails_nobody_when_approval_fails(cast: Cast) -> None:
    set_rates()
    claim = a_claim(cast)
    services.claim_approve(claim=claim, actor=cast.chair)
    mail.outbox.clear()
    client_for(cast.coordinator).post(
        reverse("payments:claim_approve", kwargs={"pk": claim.pk}), {"version": claim.version}
    )
    assert mail.outbox == []
