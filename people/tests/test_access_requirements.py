from django.urls import reverse

from accounts.models import AuditEvent
from conftest import Cast, client_for
from people.models import AccessNeed, AccessNeedType, Profile

ACCESS = reverse("people:access")


def need(code: str) -> AccessNeedType:
    return AccessNeedType.objects.get(code=code)


def member_access_url(cast: Cast) -> str:
    return reverse(
        "projects:member_access",
        kwargs={"pk": cast.website.pk, "membership_pk": cast.membership(cast.member).pk},
    )


def test_it_starts_with_the_catalogue_the_standard_asks_for(db: None) -> None:
    codes = set(AccessNeedType.objects.values_list("code", flat=True))
    assert {"bsl-interpreter", "hearing-loop", "regular-breaks", "easy-read", "braille"} <= codes
    assert need("large-print").detail_kind == "number"


def test_it_records_amiras_access_requirements_once(cast: Cast) -> None:
    amira = client_for(cast.member)
    response = amira.post(
        ACCESS,
        {
            "need_bsl-interpreter": "on",
            "need_regular-breaks": "on",
            "detail_regular-breaks": "45",
            "access_notes": "Please face me when speaking.",
        },
    )
    assert response["Location"] == reverse("people:me")
    stored = {n.need_type.code: n.detail for n in AccessNeed.objects.filter(user=cast.member)}
    assert stored == {"bsl-interpreter": "", "regular-breaks": "45"}
    profile = Profile.objects.get(user=cast.member)
    assert profile.access_recorded_at is not None
    assert not profile.share_access_with_group
    # The audit log says that they changed, never what they are.
    event = AuditEvent.objects.get(action="access.updated")
    assert "BSL" not in event.summary
    html = amira.get(reverse("people:me")).content.decode()
    assert "British Sign Language (BSL) interpreter" in html
    assert "Regular breaks: 45" in html


def test_it_removes_what_amira_unticks(cast: Cast) -> None:
    AccessNeed.objects.create(user=cast.member, need_type=need("hearing-loop"))
    client_for(cast.member).post(ACCESS, {"need_bsl-interpreter": "on"})
    assert list(
        AccessNeed.objects.filter(user=cast.member).values_list("need_type__code", flat=True)
    ) == ["bsl-interpreter"]


def test_it_asks_for_the_detail_and_keeps_every_tick(cast: Cast) -> None:
    response = client_for(cast.member).post(
        ACCESS, {"need_bsl-interpreter": "on", "need_regular-breaks": "on"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Answer “How often do you need a break, in minutes?”" in html
    assert 'name="need_bsl-interpreter" type="checkbox" checked' in html
    assert not AccessNeed.objects.exists()


def test_it_refuses_a_number_that_is_not_a_number(cast: Cast) -> None:
    response = client_for(cast.member).post(
        ACCESS, {"need_large-print": "on", "detail_large-print": "huge"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an answer to “What size of print, in points?” as a whole number" in page


def test_it_explains_entries_that_are_not_in_the_catalogue(cast: Cast) -> None:
    response = client_for(cast.member).post(ACCESS, {"need_teleporter": "on"})
    assert response.status_code == 400
    assert "not in our list of access requirements: teleporter" in response.content.decode()
    assert not AccessNeed.objects.exists()


def test_it_keeps_an_entry_that_was_switched_off_after_someone_chose_it(cast: Cast) -> None:
    AccessNeed.objects.create(user=cast.member, need_type=need("lipspeaker"))
    AccessNeedType.objects.filter(code="lipspeaker").update(is_active=False)
    html = client_for(cast.member).get(ACCESS).content.decode()
    assert "Lipspeaker (no longer offered)" in html
    client_for(cast.member).post(ACCESS, {"need_lipspeaker": "on"})
    assert AccessNeed.objects.filter(user=cast.member, need_type__code="lipspeaker").exists()


def test_it_shows_grace_amiras_needs_only_after_she_says_why_and_records_it(
    cast: Cast,
) -> None:
    AccessNeed.objects.create(user=cast.member, need_type=need("bsl-interpreter"))
    grace = client_for(cast.coordinator)
    ask = grace.get(member_access_url(cast))
    assert "Why do you need to see" in ask.content.decode()
    assert "British Sign Language" not in ask.content.decode()
    assert not AuditEvent.objects.filter(action="access.viewed").exists()

    missing = grace.post(member_access_url(cast), {"purpose": "other", "other": ""})
    assert missing.status_code == 400
    assert "Say what the other reason is" in missing.content.decode()

    shown = grace.post(member_access_url(cast), {"purpose": "support"})
    assert "British Sign Language (BSL) interpreter" in shown.content.decode()
    event = AuditEvent.objects.get(action="access.viewed")
    assert (event.actor, event.subject, event.project) == (
        cast.coordinator,
        cast.member,
        cast.website,
    )
    assert event.data["purpose"].startswith("To book support")
    # Administrators read the record of who looked, and why.
    log = client_for(cast.administrator).get(reverse("accounts:audit_log")).content.decode()
    assert "Viewed the access requirements of Amira Haddad" in log


def test_it_keeps_amiras_needs_from_people_who_do_not_arrange_support(cast: Cast) -> None:
    AccessNeed.objects.create(user=cast.member, need_type=need("bsl-interpreter"))
    for person, status in [
        (cast.outsider, 404),
        (cast.carer, 403),
        (cast.chair, 403),
        (cast.administrator, 403),
    ]:
        client = client_for(person)
        assert client.get(member_access_url(cast)).status_code == status
        response = client.post(member_access_url(cast), {"purpose": "meeting"})
        assert response.status_code == status
        assert "British Sign Language" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="access.viewed").exists()


def test_it_lets_the_group_see_them_when_amira_chooses_to_share(cast: Cast) -> None:
    AccessNeed.objects.create(user=cast.member, need_type=need("bsl-interpreter"))
    Profile.objects.create(user=cast.member, share_access_with_group=True)
    colin = client_for(cast.carer)
    shown = colin.post(member_access_url(cast), {"purpose": "meeting"})
    assert "British Sign Language" in shown.content.decode()
    assert AuditEvent.objects.filter(action="access.viewed", actor=cast.carer).exists()


def test_it_shows_amira_her_own_without_asking_why(cast: Cast) -> None:
    AccessNeed.objects.create(user=cast.member, need_type=need("bsl-interpreter"))
    html = client_for(cast.member).get(member_access_url(cast)).content.decode()
    assert "British Sign Language" in html
    assert not AuditEvent.objects.filter(action="access.viewed").exists()


def test_it_links_to_access_requirements_only_for_those_who_may_see_them(cast: Cast) -> None:
    members = reverse("projects:members", kwargs={"pk": cast.website.pk})
    assert "Access requirements" in client_for(cast.coordinator).get(members).content.decode()
    colin_view = client_for(cast.carer).get(members).content.decode()
    # Colin sees the link on his own row only.
    assert colin_view.count("Access requirements<span") == 1
    assert "of Colin Price" in colin_view
    assert "of Amira Haddad" not in colin_view
