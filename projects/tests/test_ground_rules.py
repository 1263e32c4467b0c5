from django.core import mail
from django.urls import reverse

from accounts.models import AuditEvent
from conftest import Cast, client_for
from people.contact import ContactWay
from people.models import ContactChannel, ContactFrequency, Profile
from projects.models import (
    GroundRulesAnswer,
    GroundRulesDraft,
    GroundRulesNotice,
    GroundRulesVersion,
    MembershipPause,
)
from projects.services import rules as services


def url(name: str, cast: Cast) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk})


def adopted(cast: Cast, text: str = "Listen to each other\nOne person speaks at a time") -> None:
    GroundRulesDraft.objects.update_or_create(project=cast.website, defaults={"text": text})
    services.ground_rules_adopt(
        project=cast.website, actor=cast.chair, change_note="First rules", discussed="at_meeting"
    )


def test_it_lets_any_member_propose_a_rule_in_the_draft(cast: Cast) -> None:
    response = client_for(cast.carer).post(
        url("ground_rules_draft", cast), {"text": "- Listen to each other\n\n", "version": "1"}
    )
    assert response["Location"] == url("ground_rules", cast)
    assert GroundRulesDraft.objects.get().text == "Listen to each other"
    assert AuditEvent.objects.filter(action="ground_rules.draft_changed", actor=cast.carer).exists()


def test_it_refuses_an_empty_rule_and_saves_nothing(cast: Cast) -> None:
    response = client_for(cast.carer).post(
        url("ground_rules_draft", cast), {"text": "  \n -  \n", "version": "1"}
    )
    assert response.status_code == 400
    assert "Write at least one ground rule" in response.content.decode()
    assert not GroundRulesDraft.objects.exists()


def test_it_keeps_what_the_second_editor_typed_when_two_edit_the_draft_at_once(
    cast: Cast,
) -> None:
    GroundRulesDraft.objects.create(project=cast.website, text="Listen to each other")
    first = client_for(cast.carer).post(
        url("ground_rules_draft", cast), {"text": "Listen\nBe kind", "version": "1"}
    )
    assert first.status_code == 302
    second = client_for(cast.member).post(
        url("ground_rules_draft", cast), {"text": "Listen\nTake breaks", "version": "1"}
    )
    html = second.content.decode()
    assert second.status_code == 400
    assert "Someone else saved changes" in html
    assert "Take breaks" in html
    assert GroundRulesDraft.objects.get().text == "Listen\nBe kind"


def test_it_lets_leaders_adopt_numbered_versions_and_keeps_each_one(cast: Cast) -> None:
    GroundRulesDraft.objects.create(project=cast.website, text="Listen to each other")
    chair = client_for(cast.chair)
    data = {"change_note": "Our first rules", "discussed": "at_meeting", "version": "1"}
    assert chair.post(url("ground_rules_adopt", cast), data).status_code == 302
    GroundRulesDraft.objects.update(text="Listen to each other\nTake breaks", version=2)
    data = {"change_note": "Added breaks", "discussed": "between_meetings", "version": "2"}
    assert chair.post(url("ground_rules_adopt", cast), data).status_code == 302
    versions = list(GroundRulesVersion.objects.values_list("number", "change_note"))
    assert versions == [(2, "Added breaks"), (1, "Our first rules")]
    html = client_for(cast.member).get(url("ground_rules_versions", cast)).content.decode()
    assert "Added breaks" in html
    assert "Our first rules" in html


def test_it_refuses_to_adopt_a_draft_that_changes_nothing(cast: Cast) -> None:
    adopted(cast)
    response = client_for(cast.chair).post(
        url("ground_rules_adopt", cast),
        {"change_note": "Again", "discussed": "at_meeting", "version": "1"},
    )
    assert response.status_code == 400
    assert "The draft is the same as the current ground rules" in response.text
    assert GroundRulesVersion.objects.count() == 1


def test_it_does_not_let_a_member_adopt(cast: Cast) -> None:
    GroundRulesDraft.objects.create(project=cast.website, text="Listen")
    response = client_for(cast.member).post(
        url("ground_rules_adopt", cast),
        {"change_note": "Mine", "discussed": "at_meeting", "version": "1"},
    )
    assert response.status_code == 403
    assert not GroundRulesVersion.objects.exists()


def test_it_lets_each_member_agree_or_say_what_they_cannot_agree_to(cast: Cast) -> None:
    adopted(cast)
    amira = client_for(cast.member)
    assert amira.post(url("ground_rules_agree", cast), {"answer": "agree"}).status_code == 302
    colin = client_for(cast.carer)
    refused = colin.post(url("ground_rules_agree", cast), {"answer": "cannot_agree"})
    assert refused.status_code == 400
    assert "Say what you cannot agree to" in refused.content.decode()
    colin.post(
        url("ground_rules_agree", cast),
        {"answer": "cannot_agree", "cannot_agree_with": "Speaking one at a time is hard for me"},
    )
    answers = dict(GroundRulesAnswer.objects.values_list("user__email", "agrees"))
    assert answers == {"amira@example.org": True, "colin@example.org": False}
    html = client_for(cast.chair).get(url("ground_rules", cast)).content.decode()
    assert "Speaking one at a time is hard for me" in html
    assert "Colin Price" in html  # not agreed yet
    assert "1 member has agreed to this version" in html


def test_it_makes_the_onboarding_step_the_members_own_agreement(cast: Cast) -> None:
    adopted(cast)
    membership = cast.membership(cast.member)
    page = reverse(
        "projects:onboarding_member", kwargs={"pk": cast.website.pk, "membership_pk": membership.pk}
    )
    assert "Ground rules agreed" not in client_for(cast.chair).get(page).content.decode()
    client_for(cast.member).post(url("ground_rules_agree", cast), {"answer": "agree"})
    assert "They agreed to the current ground rules" in (
        client_for(cast.chair).get(page).content.decode()
    )
    html = client_for(cast.chair).get(url("onboarding", cast)).content.decode()
    assert "Agreed" in html


def test_it_tells_each_member_who_has_to_agree_again_the_way_they_asked(cast: Cast) -> None:
    """Amira and Grace take email as things happen; Colin wants a message a week at most;
    Priya takes phone calls only; Tom has paused; Deborah adopts the rules herself."""
    adopted(cast)
    GroundRulesAnswer.objects.create(
        version=GroundRulesVersion.objects.get(), user=cast.member, agrees=True
    )
    Profile.objects.create(user=cast.carer, frequency=ContactFrequency.WEEKLY)
    Profile.objects.create(user=cast.clinician, channels=[ContactChannel.PHONE])
    MembershipPause.objects.create(membership=cast.membership(cast.commissioner))
    GroundRulesNotice.objects.all().delete()
    mail.outbox.clear()
    GroundRulesDraft.objects.update(text="Listen to each other\nWe take a break every hour")

    response = client_for(cast.chair).post(
        url("ground_rules_adopt", cast),
        {"change_note": "Added breaks", "discussed": "between_meetings", "version": "1"},
        follow=True,
    )

    version = GroundRulesVersion.objects.get(number=2)
    ways = dict(GroundRulesNotice.objects.filter(version=version).values_list("user__email", "way"))
    assert ways == {
        "amira@example.org": ContactWay.EMAIL,
        "grace@example.org": ContactWay.EMAIL,
        "colin@example.org": ContactWay.DIGEST,
        "priya@example.org": ContactWay.BY_HAND,
    }
    held = GroundRulesNotice.objects.get(version=version, user=cast.carer)
    assert held.sent_at is None  # for his weekly message to carry
    assert sorted(message.to[0] for message in mail.outbox) == [
        "amira@example.org",
        "grace@example.org",
    ]
    assert "We take a break every hour" in mail.outbox[0].body
    assert "/ground-rules/agree/" in mail.outbox[0].body
    # The leader is told who to phone or write to, until they have answered.
    assert "Members to phone or write to" in response.text
    assert "Dr Priya Natarajan" in response.text
    GroundRulesAnswer.objects.create(
        version=version, user=cast.clinician, agrees=False, cannot_agree_with="Breaks"
    )
    page = client_for(cast.chair).get(url("ground_rules", cast)).text
    assert "Members to phone or write to" not in page
    services.ground_rules_notices_send(version=version, actor=cast.chair)
    assert GroundRulesNotice.objects.filter(version=version).count() == 4  # nobody told twice


def test_it_shows_the_phone_list_only_to_leaders(cast: Cast) -> None:
    Profile.objects.create(user=cast.clinician, channels=[ContactChannel.PHONE])
    adopted(cast)
    assert "Dr Priya Natarajan" in client_for(cast.coordinator).get(url("ground_rules", cast)).text
    member_view = client_for(cast.member).get(url("ground_rules", cast)).text
    assert "Members to phone or write to" not in member_view


def test_it_does_not_adopt_a_draft_that_changed_while_the_chair_read_it(cast: Cast) -> None:
    GroundRulesDraft.objects.create(project=cast.website, text="Listen to each other")
    deborah, colin = client_for(cast.chair), client_for(cast.carer)
    adopt_page = deborah.get(url("ground_rules_adopt", cast)).text
    assert 'name="version" value="1"' in adopt_page
    changed = colin.post(
        url("ground_rules_draft", cast),
        {"text": "Listen to each other\nNo phones on the table", "version": "1"},
    )
    assert changed.status_code == 302
    mail.outbox.clear()

    stale = deborah.post(
        url("ground_rules_adopt", cast),
        {
            "change_note": "Our first rules, agreed in March",
            "discussed": "at_meeting",
            "version": "1",
        },
    )

    assert stale.status_code == 400
    assert "Someone else saved changes to this page" in stale.text
    assert "What is saved now is different from what you read: The draft." in stale.text
    # What she typed is kept, beside the draft as it is now, ready to adopt on purpose.
    assert "Our first rules, agreed in March" in stale.text
    assert "No phones on the table" in stale.text
    assert 'name="version" value="2"' in stale.text
    assert not GroundRulesVersion.objects.exists()
    assert mail.outbox == []


def test_it_adopts_once_when_two_leaders_adopt_the_same_draft(cast: Cast) -> None:
    GroundRulesDraft.objects.create(project=cast.website, text="Listen to each other")
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    data = {"discussed": "at_meeting", "version": "1"}
    assert (
        deborah.post(url("ground_rules_adopt", cast), {**data, "change_note": "First"}).status_code
        == 302
    )
    sent = len(mail.outbox)

    second = grace.post(url("ground_rules_adopt", cast), {**data, "change_note": "Also first"})

    assert second.status_code == 400
    assert "The draft is the same as the current ground rules: nothing to adopt." in second.text
    assert list(GroundRulesVersion.objects.values_list("change_note", flat=True)) == ["First"]
    assert len(mail.outbox) == sent  # nobody asked twice
