import datetime

from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from conftest import Cast, client_for
from people.models import MemberType
from projects.models import Membership, MembershipPause


def url(name: str, cast: Cast) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk})


def in_days(days: int) -> dict[str, str]:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {
        "return_on_day": str(day.day),
        "return_on_month": str(day.month),
        "return_on_year": str(day.year),
    }


def test_it_lets_amira_pause_with_a_return_date_and_come_back_by_herself(cast: Cast) -> None:
    amira = client_for(cast.member)
    response = amira.post(url("membership_pause", cast), in_days(30))
    assert response["Location"] == url("detail", cast)
    pause = MembershipPause.objects.get()
    assert pause.return_on == timezone.localdate() + datetime.timedelta(days=30)
    assert cast.membership(cast.member) in Membership.objects.paused()
    assert cast.membership(cast.member) not in Membership.objects.active()
    assert "Your membership is paused" in amira.get(url("membership_pause", cast)).content.decode()
    assert amira.post(url("membership_come_back", cast)).status_code == 302
    assert cast.membership(cast.member) in Membership.objects.active()
    assert list(
        AuditEvent.objects.filter(subject=cast.member).values_list("action", flat=True)
    ) == [
        "membership.resumed",
        "membership.paused",
    ]


def test_it_refuses_a_return_date_in_the_past_and_saves_nothing(cast: Cast) -> None:
    response = client_for(cast.member).post(url("membership_pause", cast), in_days(-1))
    assert response.status_code == 400
    assert "must be in the future" in response.content.decode()
    assert not MembershipPause.objects.exists()


def test_it_ends_a_pause_by_itself_on_the_return_date(cast: Cast) -> None:
    MembershipPause.objects.create(
        membership=cast.membership(cast.member), return_on=timezone.localdate()
    )
    assert cast.membership(cast.member) in Membership.objects.active()


def test_it_shows_paused_members_in_the_make_up_figures_and_the_members_list(cast: Cast) -> None:
    MembershipPause.objects.create(membership=cast.membership(cast.carer))
    overview = client_for(cast.chair).get(url("detail", cast)).content.decode()
    assert "Of whom paused" in overview
    assert "1 member has paused for now" in overview
    members = client_for(cast.chair).get(url("members", cast)).content.decode()
    assert "Paused" in members


def test_it_counts_only_pauses_in_effect_and_current_members_on_the_overview(
    cast: Cast,
) -> None:
    today = timezone.localdate()
    # Colin's pause ended, Priya's return date has come, Amira's and Tom's hold.
    MembershipPause.objects.create(membership=cast.membership(cast.carer), ended_at=timezone.now())
    MembershipPause.objects.create(membership=cast.membership(cast.clinician), return_on=today)
    MembershipPause.objects.create(
        membership=cast.membership(cast.member), return_on=today + datetime.timedelta(days=1)
    )
    MembershipPause.objects.create(membership=cast.membership(cast.commissioner))
    # Deborah stepped down and left; Grace still leads.
    Membership.objects.filter(pk=cast.membership(cast.chair).pk).update(left_at=timezone.now())
    amira = client_for(cast.member).get(url("detail", cast))
    paused = {label: n for label, _count, n in amira.context["composition"]}
    assert paused[MemberType.LIVED_EXPERIENCE.label] == 1
    assert paused[MemberType.COMMISSIONER.label] == 1
    assert paused[MemberType.CARER.label] == paused[MemberType.PROFESSIONAL.label] == 0
    assert (amira.context["member_total"], amira.context["paused_total"]) == (5, 2)
    assert amira.context["i_have_paused"]
    assert amira.context["leaders"] == [("Grace Whitfield", "Coordinator")]
    colin = client_for(cast.carer).get(url("detail", cast))
    assert not colin.context["i_have_paused"]
    assert "Pause your membership for a while" in colin.content.decode()


def test_it_lets_only_members_pause(cast: Cast) -> None:
    assert client_for(cast.administrator).get(url("membership_pause", cast)).status_code == 403


def test_it_tells_amira_her_membership_is_already_paused_when_she_pauses_twice(
    cast: Cast,
) -> None:
    # Two tabs open on the pause page: the second pause adds nothing and says so.
    phone, laptop = client_for(cast.member), client_for(cast.member)
    assert "Pause my membership" in phone.get(url("membership_pause", cast)).content.decode()
    assert "Pause my membership" in laptop.get(url("membership_pause", cast)).content.decode()
    assert phone.post(url("membership_pause", cast), in_days(30)).status_code == 302

    again = laptop.post(url("membership_pause", cast), in_days(60))

    assert again.status_code == 200
    assert "Your membership was already paused. Nothing has changed." in again.content.decode()
    pause = MembershipPause.objects.get()
    assert pause.return_on == timezone.localdate() + datetime.timedelta(days=30)
    assert AuditEvent.objects.filter(action="membership.paused").count() == 1
