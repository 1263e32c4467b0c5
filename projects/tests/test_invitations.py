import re
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import PASSWORD, Cast, client_for
from projects.models import Invitation, Membership

INVITE = {
    "email": "Nadia@Example.org",
    "full_name": "Nadia Karim",
    "member_type": "lived_experience",
    "role": "member",
    "message": "We would value your experience.",
}


def invite(client: Client, cast: Cast, **changes: str) -> Any:
    return client.post(
        reverse("projects:member_invite", kwargs={"pk": cast.website.pk}), INVITE | changes
    )


def accept_link(message: EmailMessage) -> str:
    match = re.search(r"http://testserver(/account/invitations/[^/\s]+/)", str(message.body))
    assert match, message.body
    return match.group(1)


def test_it_emails_an_invitation_from_the_chair(cast: Cast) -> None:
    response = invite(client_for(cast.chair), cast)
    assert response["Location"] == reverse("projects:members", kwargs={"pk": cast.website.pk})
    invitation = Invitation.objects.get()
    assert invitation.email == "nadia@example.org"
    assert invitation.invited_by == cast.chair
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["nadia@example.org"]
    assert "Mental health information website" in message.subject
    assert "We would value your experience." in message.body
    assert message.alternatives[0][1] == "text/html"
    assert AuditEvent.objects.filter(action="invitation.sent", actor=cast.chair).exists()
    # The stored hash is not the token the email carries.
    assert invitation.token_hash not in message.body


def test_it_lets_a_newcomer_set_a_password_and_join(cast: Cast, client: Client) -> None:
    invite(client_for(cast.coordinator), cast)
    link = accept_link(mail.outbox[0])
    page = client.get(link)
    assert "Set up your account" in page.content.decode()
    response = client.post(
        link,
        {
            "full_name": "Nadia Karim",
            "password1": "work-that-works-1",
            "password2": "work-that-works-1",
        },
    )
    assert response["Location"] == reverse("projects:detail", kwargs={"pk": cast.website.pk})
    nadia = User.objects.get(email="nadia@example.org")
    assert nadia.check_password("work-that-works-1")
    membership = Membership.objects.current().get(user=nadia, project=cast.website)
    assert (membership.role, membership.member_type) == ("member", "lived_experience")
    assert client.get(response["Location"]).status_code == 200
    # The link works once.
    again = client.get(link)
    assert "This invitation no longer works" in again.content.decode()


def test_it_keeps_the_name_and_explains_mismatched_passwords(cast: Cast, client: Client) -> None:
    invite(client_for(cast.coordinator), cast)
    link = accept_link(mail.outbox[0])
    response = client.post(
        link, {"full_name": "Nadia Karim", "password1": "work-that-works-1", "password2": "other"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The two passwords are different" in html
    assert 'value="Nadia Karim"' in html
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_it_refuses_a_weak_password(cast: Cast, client: Client) -> None:
    invite(client_for(cast.coordinator), cast)
    link = accept_link(mail.outbox[0])
    response = client.post(
        link, {"full_name": "Nadia Karim", "password1": "password", "password2": "password"}
    )
    assert response.status_code == 400
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_it_lets_someone_with_an_account_join_after_signing_in(cast: Cast) -> None:
    invite(client_for(cast.coordinator), cast, email="olu@example.org")
    link = accept_link(mail.outbox[0])
    anonymous = client_for(None)
    assert "Sign in to join" in anonymous.get(link).content.decode()
    olu = client_for(cast.outsider)
    response = olu.post(link)
    assert response.status_code == 302
    assert Membership.objects.current().filter(user=cast.outsider, project=cast.website).exists()


def test_it_will_not_let_the_wrong_person_accept(cast: Cast) -> None:
    invite(client_for(cast.coordinator), cast)
    link = accept_link(mail.outbox[0])
    tom = client_for(cast.commissioner)
    assert "signed in as someone else" in tom.get(link).content.decode()
    tom.post(link)
    assert Invitation.objects.get().accepted_at is None


def test_it_refuses_expired_and_withdrawn_links(cast: Cast, client: Client) -> None:
    invite(client_for(cast.coordinator), cast)
    link = accept_link(mail.outbox[0])
    invitation = Invitation.objects.get()
    invitation.expires_at = timezone.now() - timedelta(minutes=1)
    invitation.save()
    assert "run out of time" in client.get(link).content.decode()
    response = client.post(
        link, {"full_name": "N", "password1": "work-that-works-1", "password2": "work-that-works-1"}
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="nadia@example.org").exists()


def test_it_gives_404_for_an_unknown_token(client: Client, db: None) -> None:
    assert client.get(reverse("invitation_accept", args=["made-up"])).status_code == 404


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("amira@example.org", "already a member"),
        ("not-an-email", "Enter the email address in the correct format, like name@example.com"),
    ],
)
def test_it_explains_invitations_it_cannot_send(cast: Cast, email: str, message: str) -> None:
    response = invite(client_for(cast.chair), cast, email=email)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_it_refuses_a_second_pending_invitation_but_can_resend(cast: Cast) -> None:
    chair = client_for(cast.chair)
    invite(chair, cast)
    second = invite(chair, cast)
    assert second.status_code == 400
    assert "already invited" in second.content.decode()
    invitation = Invitation.objects.get()
    old_link = accept_link(mail.outbox[0])
    chair.post(
        reverse(
            "projects:invitation_resend",
            kwargs={"pk": cast.website.pk, "invitation_pk": invitation.pk},
        )
    )
    assert len(mail.outbox) == 2
    # Resending issues a new link; the old one stops working.
    assert client_for(None).get(old_link).status_code == 404
    assert client_for(None).get(accept_link(mail.outbox[1])).status_code == 200


def test_it_withdraws_an_invitation_after_confirmation(cast: Cast) -> None:
    chair = client_for(cast.chair)
    invite(chair, cast)
    invitation = Invitation.objects.get()
    url = reverse(
        "projects:invitation_withdraw",
        kwargs={"pk": cast.website.pk, "invitation_pk": invitation.pk},
    )
    assert "Withdraw the invitation" in chair.get(url).content.decode()
    chair.post(url)
    invitation.refresh_from_db()
    assert invitation.withdrawn_at is not None
    link = accept_link(mail.outbox[0])
    assert "withdrawn" in client_for(None).get(link).content.decode()


def test_it_replaces_an_expired_invitation_with_a_new_one(cast: Cast) -> None:
    chair = client_for(cast.chair)
    invite(chair, cast)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(days=1))
    response = invite(chair, cast)
    assert response.status_code == 302
    assert Invitation.objects.pending().count() == 1
    assert Invitation.objects.count() == 2


def test_it_does_not_let_a_member_invite(cast: Cast) -> None:
    response = invite(client_for(cast.member), cast)
    assert response.status_code == 403
    assert Invitation.objects.count() == 0


def test_it_signs_in_existing_people_with_their_own_password(cast: Cast, client: Client) -> None:
    invite(client_for(cast.coordinator), cast, email="olu@example.org")
    assert client.login(username="olu@example.org", password=PASSWORD)


def waiting_invitation(cast: Cast, n: int, *, days_left: int = 7) -> Invitation:
    invitation = Invitation(
        project=cast.website,
        email=f"person-{n}@example.org",
        full_name=f"Person {n}",
        member_type="lived_experience",
        role="member",
        invited_by=cast.chair,
        created_at=timezone.now() - timedelta(minutes=n),
    )
    invitation.issue_token(valid_days=days_left)
    invitation.save()
    return invitation


def test_it_pages_the_invitations_waiting_and_drops_expired_ones(
    cast: Cast, settings: Settings
) -> None:
    settings.PAGE_SIZE = 2
    for n in range(3):
        waiting_invitation(cast, n)
    waiting_invitation(cast, 9, days_left=-1)
    url = reverse("projects:members", kwargs={"pk": cast.website.pk})
    deborah = client_for(cast.chair)

    first = deborah.get(url)
    second = deborah.get(url, {"invitations": 2, "page": 2})

    emails = [i.email for i in first.context["invitations"]]
    assert emails == ["person-0@example.org", "person-1@example.org"]
    assert [i.email for i in second.context["invitations"]] == ["person-2@example.org"]
    assert second.context["page"].number == 2  # the members' page is kept
    html = first.content.decode()
    assert 'href="?invitations=2#invitations"' in html
    assert "person-9@example.org" not in html + second.content.decode()
    assert Invitation.objects.waiting().count() == 3
    assert Invitation.objects.pending().count() == 4
