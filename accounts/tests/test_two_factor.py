import datetime
import re

import pyotp
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts import policy
from accounts.models import AuditEvent, Organisation, OrgRole, RecoveryCode, TwoFactorDevice, User
from accounts.personal_data import export
from conftest import PASSWORD, Cast, client_for

SIGN_IN = reverse("accounts:sign_in")
CODE = reverse("accounts:sign_in_code")
SET_UP = reverse("accounts:two_factor_set_up")
SETTINGS = reverse("accounts:two_factor")
RECOVERY_CODES = reverse("accounts:two_factor_recovery_codes")
TURN_OFF = reverse("accounts:two_factor_turn_off")
PROJECTS = reverse("projects:list")
MORNING = datetime.datetime(2026, 4, 20, 8, 30, tzinfo=datetime.UTC)


def set_up(client: Client) -> tuple[str, list[str]]:
    """Go through the set-up page as a person with an app would; returns the secret and codes."""
    page = client.get(SET_UP).content.decode()
    secret = client.session["two_factor_secret"]
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    response = client.post(SET_UP, {"code": pyotp.TOTP(secret).now()})
    assert response["Location"] == RECOVERY_CODES
    codes = re.findall(r"<code>([a-z0-9-]+)</code>", client.get(RECOVERY_CODES).content.decode())
    return secret, codes


def password_step(client: Client, email: str) -> None:
    response = client.post(SIGN_IN, {"username": email, "password": PASSWORD})
    assert response["Location"] == CODE


def signed_in(client: Client) -> bool:
    return client.get(PROJECTS).status_code == 200


@pytest.fixture
def grace_with_an_app(cast: Cast) -> str:
    with time_machine.travel(MORNING - datetime.timedelta(days=1), tick=False):
        secret, _codes = set_up(client_for(cast.coordinator))
    return secret


def test_it_shows_grace_a_qr_code_and_the_key_as_text(cast: Cast) -> None:
    html = client_for(cast.coordinator).get(SET_UP).content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    assert 'alt="QR code for adding Coproduce' in html
    assert 'autocomplete="one-time-code"' in html
    assert 'inputmode="numeric"' in html
    assert "grace@example.org" in html


def test_it_turns_on_for_grace_and_shows_her_recovery_codes_once(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    with time_machine.travel(MORNING, tick=False):
        _secret, codes = set_up(grace)

    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert grace.get(RECOVERY_CODES)["Location"] == SETTINGS
    stored = set(
        RecoveryCode.objects.filter(user=cast.coordinator).values_list("code_hash", flat=True)
    )
    assert len(stored) == 10
    assert not stored & set(codes)
    assert TwoFactorDevice.objects.filter(user=cast.coordinator).exists()
    assert AuditEvent.objects.filter(
        action="two_factor.turned_on", subject=cast.coordinator
    ).exists()
    assert "Recovery codes left" in grace.get(SETTINGS).content.decode()


def test_it_names_the_field_when_the_first_code_is_wrong(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    grace.get(SET_UP)
    for code, message in [
        ("", "Enter the 6-digit code from your authenticator app"),
        ("12ab", "must be 6 digits"),
        ("000000", "The code from your authenticator app is not right"),
    ]:
        response = grace.post(SET_UP, {"code": code})
        assert response.status_code == 400
        html = response.content.decode()
        assert 'href="#id_code"' in html
        assert message in html
    assert not TwoFactorDevice.objects.exists()


def test_it_asks_grace_for_the_code_after_her_password(cast: Cast, grace_with_an_app: str) -> None:
    client = Client()
    with time_machine.travel(MORNING, tick=False):
        response = client.post(
            SIGN_IN, {"username": "grace@example.org", "password": PASSWORD, "next": PROJECTS}
        )
        assert response["Location"] == CODE
        assert not signed_in(client)
        page = client.get(CODE).content.decode()
        assert 'autocomplete="one-time-code"' in page
        response = client.post(CODE, {"code": pyotp.TOTP(grace_with_an_app).now()})
        assert response["Location"] == PROJECTS
        assert signed_in(client)


def test_it_accepts_each_code_only_once(cast: Cast, grace_with_an_app: str) -> None:
    with time_machine.travel(MORNING, tick=False):
        code = pyotp.TOTP(grace_with_an_app).now()
        first, second = Client(), Client()
        password_step(first, "grace@example.org")
        password_step(second, "grace@example.org")
        assert first.post(CODE, {"code": code}).status_code == 302
        response = second.post(CODE, {"code": code})
        assert not signed_in(second)
    assert response.status_code == 400
    assert "is not right" in response.content.decode()


def test_it_lets_grace_in_with_a_recovery_code_once(cast: Cast) -> None:
    with time_machine.travel(MORNING, tick=False):
        _secret, codes = set_up(client_for(cast.coordinator))
    client = Client()
    password_step(client, "grace@example.org")
    page = client.get(CODE + "?with=recovery").content.decode()
    assert "Use a recovery code" in page
    response = client.post(CODE + "?with=recovery", {"code": codes[3].upper()})
    assert response.status_code == 302
    assert signed_in(client)
    assert AuditEvent.objects.filter(action="two_factor.recovery_code_used").exists()

    again = Client()
    password_step(again, "grace@example.org")
    response = again.post(CODE + "?with=recovery", {"code": codes[3]})
    assert response.status_code == 400
    assert "used before" in response.content.decode()


def test_it_pauses_signing_in_after_five_wrong_codes(cast: Cast, grace_with_an_app: str) -> None:
    client = Client()
    password_step(client, "grace@example.org")
    statuses = [client.post(CODE, {"code": "000000"}).status_code for _n in range(5)]
    assert statuses == [400, 400, 400, 400, 429]
    assert (
        "Signing in is paused for now"
        in client.post(
            SIGN_IN, {"username": "grace@example.org", "password": PASSWORD}
        ).content.decode()
    )


def test_it_sends_grace_back_to_her_password_after_five_minutes(
    cast: Cast, grace_with_an_app: str
) -> None:
    client = Client()
    with time_machine.travel(MORNING, tick=False):
        password_step(client, "grace@example.org")
    with time_machine.travel(MORNING + datetime.timedelta(minutes=6), tick=False):
        response = client.post(CODE, {"code": pyotp.TOTP(grace_with_an_app).now()})
    assert response["Location"] == SIGN_IN
    assert not signed_in(client)


def test_it_offers_two_step_sign_in_only_to_the_roles_that_use_it(cast: Cast) -> None:
    amira = client_for(cast.member)
    for url in [SETTINGS, SET_UP, RECOVERY_CODES, TURN_OFF]:
        assert amira.get(url).status_code == 403
    assert client_for(cast.administrator).get(SETTINGS).status_code == 200
    assert OrgRole.COORDINATOR in policy.TWO_FACTOR_ROLES
    assert OrgRole.ADMINISTRATOR in policy.TWO_FACTOR_ROLES


def test_it_holds_grace_to_it_when_the_organisation_requires_it(cast: Cast) -> None:
    Organisation.objects.filter(pk=1).update(two_factor_required=True)
    grace = Client()
    with time_machine.travel(MORNING, tick=False):
        grace.post(SIGN_IN, {"username": "grace@example.org", "password": PASSWORD})
        response = grace.get(PROJECTS)
        assert response["Location"] == SET_UP
        assert "set up two-step sign-in before you go on" in grace.get(SET_UP).content.decode()
        set_up(grace)
        assert signed_in(grace)
        # Required, so it cannot be turned off.
        assert grace.get(TURN_OFF).status_code == 403
    # Members are not asked.
    amira = Client()
    amira.post(SIGN_IN, {"username": "amira@example.org", "password": PASSWORD})
    assert signed_in(amira)


def test_it_lets_sam_require_it_on_the_settings_page(cast: Cast) -> None:
    html = client_for(cast.administrator).get(reverse("accounts:organisation")).content.decode()
    assert 'name="two_factor_required"' in html
    assert "Require two-step sign-in for: Administrator, Co-production coordinator" in html


def test_it_lets_grace_turn_it_off(cast: Cast, grace_with_an_app: str) -> None:
    grace = client_for(cast.coordinator)
    assert "Are you sure" in grace.get(TURN_OFF).content.decode()
    assert grace.post(TURN_OFF)["Location"] == SETTINGS
    assert not TwoFactorDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
    response = Client().post(SIGN_IN, {"username": "grace@example.org", "password": PASSWORD})
    assert response["Location"] == reverse("home")


def test_it_makes_new_recovery_codes_that_replace_the_old(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    with time_machine.travel(MORNING, tick=False):
        _secret, old_codes = set_up(grace)
    assert grace.post(RECOVERY_CODES)["Location"] == RECOVERY_CODES
    new_codes = re.findall(r"<code>([a-z0-9-]+)</code>", grace.get(RECOVERY_CODES).content.decode())
    assert len(new_codes) == 10
    assert not set(new_codes) & set(old_codes)
    client = Client()
    password_step(client, "grace@example.org")
    assert client.post(CODE + "?with=recovery", {"code": old_codes[0]}).status_code == 400


def test_it_tells_grace_she_uses_it_in_her_data_but_never_the_secret(
    cast: Cast, grace_with_an_app: str
) -> None:
    coordinator = User.objects.get(pk=cast.coordinator.pk)
    account = next(section for section in export(coordinator) if section.key == "account")
    row = account.rows[0]
    assert row["two_step_sign_in"] is True
    assert row["recovery_codes_left"] == 10
    assert grace_with_an_app not in str(row)


def test_it_lets_sam_turn_it_off_for_grace_who_lost_her_phone(
    cast: Cast, grace_with_an_app: str
) -> None:
    device = TwoFactorDevice.objects.get()
    sam = client_for(cast.administrator)
    url = reverse("admin:accounts_twofactordevice_delete", args=[device.pk])
    assert grace_with_an_app not in sam.get(url).content.decode()
    assert sam.post(url, {"post": "yes"}).status_code == 302
    assert not TwoFactorDevice.objects.exists()
    assert not RecoveryCode.objects.exists()
    event = AuditEvent.objects.get(action="two_factor.turned_off")
    assert event.actor == cast.administrator
    assert event.subject == cast.coordinator


def test_it_sends_data_administration_sign_in_to_the_throttled_page(cast: Cast) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response["Location"] == SIGN_IN + "?next=/admin/"
