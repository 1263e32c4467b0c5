import datetime

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import Organisation
from accounts.tests.test_organisation import settings_form
from conftest import PASSWORD, Cast, client_for

SIGN_IN = reverse("accounts:sign_in")
PROJECTS = reverse("projects:list")
MORNING = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def signed_in(client: Client) -> bool:
    response = client.get(PROJECTS)
    return response.status_code == 200


def sign_in(client: Client, email: str, password: str = PASSWORD, **extra: str) -> None:
    response = client.post(SIGN_IN, {"username": email, "password": password, **extra})
    assert response.status_code == 302, response.content.decode()


def test_it_signs_amira_out_after_two_idle_hours(cast: Cast, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        sign_in(client, "amira@example.org")
    with time_machine.travel(MORNING + datetime.timedelta(minutes=119), tick=False):
        assert signed_in(client)
    # Two hours after that last page, with nothing in between.
    with time_machine.travel(MORNING + datetime.timedelta(minutes=119 + 121), tick=False):
        assert not signed_in(client)


def test_it_keeps_colin_signed_in_while_he_uses_the_site(cast: Cast, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        sign_in(client, "colin@example.org")
    for half_hours in range(1, 11):
        with time_machine.travel(MORNING + datetime.timedelta(minutes=30 * half_hours), tick=False):
            assert signed_in(client), f"signed out after {half_hours / 2} hours in use"


def test_it_uses_the_idle_time_the_organisation_sets(cast: Cast) -> None:
    Organisation.objects.filter(pk=1).update(session_idle_minutes=30)
    with time_machine.travel(MORNING, tick=False):
        priya = client_for(cast.clinician)
        assert signed_in(priya)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=29), tick=False):
        assert signed_in(priya)
    with time_machine.travel(MORNING + datetime.timedelta(minutes=29 + 31), tick=False):
        assert not signed_in(priya)


def test_it_keeps_tom_signed_in_for_14_days_when_he_asks(cast: Cast, client: Client) -> None:
    with time_machine.travel(MORNING, tick=False):
        sign_in(client, "tom@example.org", remember_me="on")
    with time_machine.travel(MORNING + datetime.timedelta(days=13, hours=23), tick=False):
        assert signed_in(client)
    with time_machine.travel(MORNING + datetime.timedelta(days=14, minutes=1), tick=False):
        assert not signed_in(client)


def test_it_lets_sam_change_the_idle_time(cast: Cast) -> None:
    sam = client_for(cast.administrator)
    page = sam.get(reverse("accounts:organisation")).content.decode()
    assert 'name="session_idle_minutes"' in page
    response = sam.post(reverse("accounts:organisation"), settings_form(session_idle_minutes=45))
    assert response.status_code == 302
    assert Organisation.current().session_idle_minutes == 45
    too_short = sam.post(reverse("accounts:organisation"), settings_form(session_idle_minutes=1))
    assert too_short.status_code == 400


def test_it_signs_priya_out_elsewhere_when_she_changes_her_password(
    cast: Cast,
) -> None:
    laptop, phone = Client(), Client()
    sign_in(laptop, "priya@example.org")
    sign_in(phone, "priya@example.org")
    new_password = "clinic-harbour-violet-7"
    response = laptop.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response["Location"] == reverse("accounts:password_change_done")

    # The device she changed it on stays signed in; the other one is signed out, because
    # each session carries a hash of the password it was made with.
    assert signed_in(laptop)
    assert not signed_in(phone)
    assert Session.objects.count() == 1


def test_it_keeps_amira_signed_in_across_the_change_of_who_reads_her_in(
    cast: Cast, client: Client
) -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY

    from accounts.backends import BACKEND, FORMER_BACKEND
    from accounts.sessions import SessionStore

    sign_in(client, "amira@example.org")
    store = SessionStore(client.session.session_key)
    assert store[BACKEND_SESSION_KEY] == BACKEND
    # A session begun before the person was read by our own backend names Django's.
    store[BACKEND_SESSION_KEY] = FORMER_BACKEND
    store.save()
    assert signed_in(client)


def test_it_reads_the_signed_in_person_as_the_orm_does(cast: Cast) -> None:
    from accounts.backends import UserBackend
    from accounts.models import User

    read = UserBackend().get_user(str(cast.member.pk))
    assert read is not None
    orm = User.objects.get(pk=cast.member.pk)
    assert {f.attname: getattr(read, f.attname) for f in User._meta.concrete_fields} == {
        f.attname: getattr(orm, f.attname) for f in User._meta.concrete_fields
    }
    assert UserBackend().get_user("not a number") is None
    assert UserBackend().get_user(str(orm.pk + 10_000)) is None
    # Someone whose account is closed is signed out at their next page.
    User.objects.filter(pk=orm.pk).update(is_active=False)
    assert UserBackend().get_user(str(orm.pk)) is None
