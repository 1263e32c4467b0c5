from datetime import timedelta

from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for
from people.models import Profile


def urls(cast: Cast) -> dict[str, str]:
    amira = {"pk": cast.website.pk, "membership_pk": cast.membership(cast.member).pk}
    return {
        "list": reverse("projects:onboarding", kwargs={"pk": cast.website.pk}),
        "member": reverse("projects:onboarding_member", kwargs=amira),
        "welcome": reverse("projects:onboarding_welcome", kwargs=amira),
    }


def test_it_sends_amira_a_welcome_and_ticks_it(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    response = grace.post(urls(cast)["welcome"])
    assert response["Location"] == urls(cast)["list"]
    (message,) = mail.outbox
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["amira@example.org"]
    assert "/me/access/" in message.body
    assert message.alternatives[0][1] == "text/html"
    assert cast.membership(cast.member).welcomed_at is not None
    assert AuditEvent.objects.filter(action="membership.welcomed", subject=cast.member).exists()


def test_it_ticks_steps_and_keeps_the_date_of_earlier_ones(cast: Cast) -> None:
    membership = cast.membership(cast.member)
    earlier = timezone.now() - timedelta(days=3)
    membership.welcomed_at = earlier
    membership.save()
    deborah = client_for(cast.chair)
    steps = {"welcomed_at": "on", "inducted_at": "on", "version": membership.version}
    assert deborah.post(urls(cast)["member"], steps).status_code == 302
    membership.refresh_from_db()
    assert membership.welcomed_at == earlier
    assert membership.inducted_at is not None
    steps = {"welcomed_at": "on", "version": membership.version}
    assert deborah.post(urls(cast)["member"], steps).status_code == 302
    membership.refresh_from_db()
    assert membership.inducted_at is None


def test_it_shows_who_has_recorded_their_access_requirements(cast: Cast) -> None:
    Profile.objects.create(user=cast.member, access_recorded_at=timezone.now())
    html = client_for(cast.coordinator).get(urls(cast)["list"]).content.decode()
    assert "Recorded" in html
    assert "Amira Haddad" in html


def test_it_keeps_the_checklist_to_the_groups_leaders(cast: Cast) -> None:
    colin = client_for(cast.carer)
    assert colin.get(urls(cast)["list"]).status_code == 403
    assert colin.post(urls(cast)["welcome"]).status_code == 403
    assert mail.outbox == []
