import datetime
import re

import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent
from accounts.throttling import time_of_day
from conftest import PASSWORD, Cast

SIGN_IN = reverse("accounts:sign_in")
# A quarter past nine in the morning, London time, in winter (no summer time).
MORNING = datetime.datetime(2026, 1, 12, 9, 15, tzinfo=datetime.UTC)


def wrong_passwords(client: Client, email: str, times: int) -> list[int]:
    return [
        client.post(SIGN_IN, {"username": email, "password": f"guess-{n}"}).status_code
        for n in range(times)
    ]


def reset_path(body: object) -> str:
    link = re.search(r"https?://testserver(/account/password/reset/\S+/)", str(body))
    assert link, body
    return link.group(1)


def test_it_pauses_amiras_account_after_five_wrong_passwords(cast: Cast, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        assert wrong_passwords(client, "amira@example.org", 5) == [200, 200, 200, 200, 429]
        # The right password does not work either while the pause lasts.
        response = client.post(SIGN_IN, {"username": "amira@example.org", "password": PASSWORD})

    assert response.status_code == 429
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "Signing in is paused for now" in html
    assert "try again after 9:30am" in html
    assert f'href="{reverse("accounts:password_reset")}"' in html
    assert 'value="amira@example.org"' in html
    assert "_auth_user_id" not in client.session


def test_it_emails_amira_a_reset_link_and_records_the_pause(cast: Cast, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        wrong_passwords(client, "Amira@Example.org", 5)

    (message,) = mail.outbox
    assert message.to == ["amira@example.org"]
    assert "paused" in message.subject
    assert "until 9:30am" in message.body
    assert reset_path(message.body)
    html, _mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert "Choose a new password" in str(html)
    event = AuditEvent.objects.get(action="sign_in.locked")
    assert event.subject == cast.member
    assert event.actor is None


def test_it_lets_amira_in_at_once_after_a_new_password(cast: Cast, client: Client) -> None:
    wrong_passwords(client, "amira@example.org", 5)
    form_page = client.get(reset_path(mail.outbox[0].body), follow=True)
    set_url = form_page.redirect_chain[-1][0]
    new_password = "river-kettle-lantern-42"
    response = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert response["Location"] == reverse("accounts:password_reset_complete")

    response = client.post(SIGN_IN, {"username": "amira@example.org", "password": new_password})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="sign_in.unlocked", subject=cast.member).exists()


def test_it_lifts_the_pause_after_fifteen_minutes(cast: Cast, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        wrong_passwords(client, "amira@example.org", 5)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=14), tick=False):
        response = client.post(SIGN_IN, {"username": "amira@example.org", "password": PASSWORD})
        assert response.status_code == 429
    with time_machine.travel(MORNING + datetime.timedelta(minutes=16), tick=False):
        response = client.post(SIGN_IN, {"username": "amira@example.org", "password": PASSWORD})
        assert response.status_code == 302


def test_it_forgets_wrong_passwords_spread_over_more_than_the_window(
    cast: Cast, client: Client
) -> None:
    with time_machine.travel(MORNING, tick=False):
        wrong_passwords(client, "colin@example.org", 4)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=20), tick=False):
        assert wrong_passwords(client, "colin@example.org", 4) == [200] * 4
        response = client.post(SIGN_IN, {"username": "colin@example.org", "password": PASSWORD})
    assert response.status_code == 302


def test_it_answers_the_same_for_an_address_with_no_account(cast: Cast, client: Client) -> None:
    assert wrong_passwords(client, "nobody@example.org", 5)[-1] == 429
    assert mail.outbox == []
    assert not AuditEvent.objects.filter(action="sign_in.locked").exists()


def test_it_pauses_one_address_guessing_many_accounts_but_not_others(
    cast: Cast, client: Client
) -> None:
    attacker = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [
        attacker.post(
            SIGN_IN, {"username": f"person{n}@example.org", "password": "guess"}
        ).status_code
        for n in range(30)
    ]
    assert statuses[-1] == 429
    assert set(statuses[:-1]) == {200}
    event = AuditEvent.objects.get(action="sign_in.address_locked")
    assert event.data["address"] == "203.0.113.9"

    blocked = attacker.post(SIGN_IN, {"username": "tom@example.org", "password": PASSWORD})
    assert blocked.status_code == 429
    elsewhere = Client().post(
        SIGN_IN, {"username": "tom@example.org", "password": PASSWORD}, REMOTE_ADDR="198.51.100.4"
    )
    assert elsewhere.status_code == 302


def test_it_ignores_a_forwarded_address_unless_told_to_trust_it(
    cast: Cast, client: Client, settings: Settings
) -> None:
    # Without the setting, a guesser cannot dodge the limit by making up a header.
    statuses = [
        client.post(
            SIGN_IN,
            {"username": f"person{n}@example.org", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(30)
    ]
    assert statuses[-1] == 429


def test_it_counts_per_client_behind_a_trusted_proxy(
    cast: Cast, client: Client, settings: Settings
) -> None:
    settings.CLIENT_ADDRESS_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(30):
        # The client wrote the left part itself; the proxy appended the real address.
        client.post(
            SIGN_IN,
            {"username": f"person{n}@example.org", "password": "guess"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.9",
        )
    assert AuditEvent.objects.get(action="sign_in.address_locked").data["address"] == (
        "203.0.113.9"
    )
    other_client = client.post(
        SIGN_IN,
        {"username": "tom@example.org", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert other_client.status_code == 302


def test_it_limits_password_reset_links_for_one_address(cast: Cast, client: Client) -> None:
    url = reverse("accounts:password_reset")
    for _attempt in range(5):
        assert client.post(url, {"email": "colin@example.org"}).status_code == 302
    response = client.post(url, {"email": "colin@example.org"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_email"' in html
    assert "You have asked for too many links" in html
    assert len(mail.outbox) == 5


def test_it_limits_guesses_at_invitation_links(cast: Cast, client: Client) -> None:
    for n in range(20):
        assert client.get(reverse("invitation_accept", args=[f"guess-{n}"])).status_code == 404
    response = client.get(reverse("invitation_accept", args=["guess-21"]))
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert "Try again after" in response.content.decode()
    # Someone on another network is not held up.
    other = Client(REMOTE_ADDR="198.51.100.4")
    assert other.get(reverse("invitation_accept", args=["guess-22"])).status_code == 404


def test_it_shows_the_time_in_the_organisations_time_zone(cast: Cast) -> None:
    summer_afternoon = datetime.datetime(2026, 7, 1, 13, 34, 10, tzinfo=datetime.UTC)
    assert time_of_day(summer_afternoon) == "2:35pm"
    assert time_of_day(timezone.make_aware(datetime.datetime(2026, 1, 1, 0, 5))) == "12:05am"
