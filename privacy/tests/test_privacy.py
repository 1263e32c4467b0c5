"""Consent to the privacy notice, downloading your data and asking for it to be deleted."""

import datetime
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, User
from conftest import PASSWORD, Cast, client_for, make_user
from people import services as people_services
from people.models import AccessNeed, AccessNeedType, MemberType, PersonMemberType, Profile
from privacy import services
from privacy.context_processors import privacy_consent
from privacy.models import Consent, ErasureRequest, ErasureStatus, PrivacyNotice
from projects.models import Invitation, Membership, Project, ProjectRole
from projects.services import membership_add

BANNER = "We have a new privacy notice"


def publish(cast: Cast, summary: str = "We keep your details to run the groups.") -> PrivacyNotice:
    return services.privacy_notice_publish(
        summary=summary, body="The full notice.\n\nSecond paragraph.", actor=cast.administrator
    )


def bsl_interpreter() -> AccessNeedType:
    need_type, _created = AccessNeedType.objects.get_or_create(
        code="test-bsl",
        defaults={"name": "Sign language interpreter for tests", "category": "communication"},
    )
    return need_type


def ask_for_erasure(user: User, reason: str = "") -> ErasureRequest:
    return services.erasure_request_create(user=user, reason=reason)


# Consent


def test_it_asks_amira_to_agree_until_she_does_and_again_after_a_new_version(cast: Cast) -> None:
    amira = client_for(cast.member)
    assert BANNER not in amira.get(reverse("projects:list")).content.decode()

    notice = publish(cast, summary="We keep your details to run the groups.")
    assert BANNER in amira.get(reverse("projects:list")).content.decode()
    assert BANNER in amira.get(reverse("people:me")).content.decode()

    page = amira.get(reverse("privacy:consent")).content.decode()
    assert "We keep your details to run the groups." in page
    assert BANNER not in page  # the page itself is the request
    response = amira.post(reverse("privacy:consent"), {"version": notice.version})
    assert response["Location"] == reverse("people:me")
    assert Consent.objects.filter(user=cast.member, notice=notice).exists()
    assert AuditEvent.objects.filter(action="consent.given", actor=cast.member).count() == 1
    assert BANNER not in amira.get(reverse("projects:list")).content.decode()

    publish(cast, summary="We now also keep your payment details.")
    assert BANNER in amira.get(reverse("projects:list")).content.decode()
    assert "We now also keep your payment details." in (
        amira.get(reverse("privacy:consent")).content.decode()
    )


def test_it_records_agreement_only_to_the_version_read(cast: Cast) -> None:
    first = publish(cast)
    publish(cast, summary="Something changed.")
    response = client_for(cast.carer).post(reverse("privacy:consent"), {"version": first.version})
    assert response.status_code == 400
    assert "We changed the privacy notice while you were reading it" in response.content.decode()
    assert not Consent.objects.filter(user=cast.carer).exists()


def test_it_shows_the_notice_to_anyone_and_asks_nobody_signed_out(
    cast: Cast, client: Client
) -> None:
    assert (
        "has not been published yet"
        in client.get(reverse("privacy:privacy_notice")).content.decode()
    )
    publish(cast, summary="Plain words first.")
    page = client.get(reverse("privacy:privacy_notice")).content.decode()
    assert "Plain words first." in page
    assert "Second paragraph." in page
    assert BANNER not in page


def test_it_decides_on_the_banner_from_the_shared_cache_once_the_person_has_agreed(
    cast: Cast,
) -> None:
    notice = publish(cast)
    request = RequestFactory().get("/")
    request.user = cast.member
    request.session = {}  # type: ignore[assignment]
    bool(privacy_consent(request)["privacy_consent_needed"])  # the shared cache made warm
    # Not agreed yet: the cache for the organisation and the latest notice, and the database
    # for whether the person agreed.
    with CaptureQueriesContext(connection) as queries:
        assert bool(privacy_consent(request)["privacy_consent_needed"]) is True
    assert len(queries) == 2

    services.consent_give(user=cast.member, notice=notice)
    assert bool(privacy_consent(request)["privacy_consent_needed"]) is False
    # Once they have, their session says so: only the shared cache is asked.
    with CaptureQueriesContext(connection) as queries:
        assert bool(privacy_consent(request)["privacy_consent_needed"]) is False
        assert privacy_consent(request)["organisation"].name
    assert len(queries) == 2  # two pages, one question each

    # A new version asks again.
    newer = publish(cast)
    assert newer.pk != notice.pk
    assert bool(privacy_consent(request)["privacy_consent_needed"]) is True

    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as queries:
        assert privacy_consent(request) == {}
    assert len(queries) == 0


def test_it_adds_one_query_to_pages_for_people_signed_in_and_none_otherwise(cast: Cast) -> None:
    publish(cast)

    def privacy_queries(user: User | None, url: str) -> int:
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return sum("privacy_privacynotice" in query["sql"] for query in queries.captured_queries)

    assert privacy_queries(cast.member, reverse("projects:list")) == 1
    assert privacy_queries(None, reverse("home")) == 0
    assert privacy_queries(None, reverse("accessibility")) == 0


def test_it_lets_sam_publish_versions_that_count_up(cast: Cast) -> None:
    sam = client_for(cast.administrator)
    url = reverse("privacy:privacy_notice_publish")
    for version in (1, 2):
        response = sam.post(url, {"summary": f"Summary {version}", "body": "Body"})
        assert response["Location"] == reverse("privacy:privacy_notice")
        assert PrivacyNotice.objects.order_by("-version").values_list("version")[0] == (version,)
    assert AuditEvent.objects.filter(action="privacy_notice.published").count() == 2
    # The form starts from the current words.
    assert "Summary 2" in sam.get(url).content.decode()


def test_it_explains_what_a_new_notice_is_missing(cast: Cast) -> None:
    response = client_for(cast.administrator).post(
        reverse("privacy:privacy_notice_publish"), {"summary": "", "body": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Write a summary in plain English" in html
    assert "Write the full privacy notice" in html
    assert not PrivacyNotice.objects.exists()


# Downloading your data


def give_amira_a_full_record(cast: Cast) -> None:
    Profile.objects.create(user=cast.member, phone="07700 900111", pronouns="she/her")
    PersonMemberType.objects.create(user=cast.member, member_type=MemberType.LIVED_EXPERIENCE)
    AccessNeed.objects.create(user=cast.member, need_type=bsl_interpreter())
    services.consent_give(user=cast.member, notice=publish(cast))
    people_services.access_needs_viewed(
        viewer=cast.coordinator, person=cast.member, project=cast.website, purpose="To book support"
    )


def test_it_gives_amira_everything_about_her_as_a_json_file(cast: Cast) -> None:
    give_amira_a_full_record(cast)
    response = client_for(cast.member).get(reverse("privacy:data_export"), {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert set(data) == {
        "account",
        "profile",
        "member_types",
        "access_needs",
        "memberships",
        "invitations_accepted",
        "skill_offers",
        "equality_questions_answered",
        "named_as_contact",
        "plan_items_looked_after",
        "pauses",
        "ground_rules_answers",
        "theme_ranks",
        "expectations",
        "frustrations",
        "ground_rules_notices",
        "applications",
        "selection_panels",
        "panel_scores",
        "meeting_replies",
        "date_poll_answers",
        "written_thoughts",
        "action_points",
        "contributions",
        "after_meeting_checks",
        "paper_notices",
        "held_messages",
        "digests",
        "proposals",
        "proposal_comments",
        "decision_answers",
        "actions_between_meetings",
        "you_said_we_did",
        "subscriptions",
        "payment_choice",
        "involvement",
        "expenses",
        "claims",
        "consents",
        "erasure_requests",
        "audit_events",
    }
    assert data["account"]["email"] == "amira@example.org"
    assert data["profile"]["phone"] == "07700 900111"
    assert data["member_types"] == ["Lived experience"]
    assert data["access_needs"][0]["requirement"] == "Sign language interpreter for tests"
    assert data["memberships"][0]["project"] == "Mental health information website"
    assert data["memberships"][0]["role"] == "Member"
    assert data["consents"][0]["privacy_notice_version"] == 1
    # She can see who looked at her access requirements, and why.
    viewed = [event for event in data["audit_events"] if "To book support" in event["summary"]]
    assert viewed[0]["by"] == "Grace Whitfield"
    text = response.content.decode()
    assert "password" not in text
    assert cast.member.password not in text
    assert AuditEvent.objects.filter(action="data.exported", actor=cast.member).count() == 1


def test_it_leaves_out_other_peoples_access_requirements(cast: Cast) -> None:
    give_amira_a_full_record(cast)
    response = client_for(cast.coordinator).get(reverse("privacy:data_export"), {"format": "json"})
    data = json.loads(response.content)
    assert data["account"]["email"] == "grace@example.org"
    assert data["access_needs"] == []
    assert "Sign language interpreter" not in response.content.decode()


def test_it_shows_amira_her_data_as_a_page(cast: Cast) -> None:
    give_amira_a_full_record(cast)
    amira = client_for(cast.member)
    landing = amira.get(reverse("privacy:data_export"))
    assert "Download my data as a file" in landing.content.decode()
    assert not AuditEvent.objects.filter(action="data.exported").exists()
    response = amira.get(reverse("privacy:data_export"), {"format": "html"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Amira Haddad" in html
    assert "Sign language interpreter for tests" in html
    assert "Mental health information website" in html
    assert cast.member.password not in html
    assert AuditEvent.objects.filter(action="data.exported", data__format="html").count() == 1


def test_it_uses_the_same_number_of_queries_however_much_there_is(cast: Cast) -> None:
    amira = client_for(cast.member)
    url = reverse("privacy:data_export")

    def count(file_format: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert amira.get(url, {"format": file_format}).status_code == 200
        return len(queries)

    count("json"), count("html")  # as a returning visitor: the shared cache is warm
    before = [count("json"), count("html")]
    give_amira_a_full_record(cast)
    for n in range(6):
        project = Project.objects.create(name=f"Group {n}", purpose="More")
        membership_add(
            project=project,
            user=cast.member,
            member_type=MemberType.LIVED_EXPERIENCE,
            role=ProjectRole.MEMBER,
            actor=cast.coordinator,
        )
        AccessNeed.objects.create(
            user=cast.member,
            need_type=AccessNeedType.objects.create(
                code=f"test-need-{n}", name=f"Need {n}", category="support"
            ),
            detail=str(n),
        )
        invitation = Invitation(
            project=project,
            email=cast.member.email,
            member_type=MemberType.LIVED_EXPERIENCE,
            role=ProjectRole.MEMBER,
            accepted_at=timezone.now(),
            accepted_by=cast.member,
        )
        invitation.issue_token(valid_days=14)
        invitation.save()
        services.consent_give(user=cast.member, notice=publish(cast))
    count("html")  # the new notice is read once, then kept in the shared cache
    after = [count("json"), count("html")]
    assert before == after
    # About one query for each part of the data (40 now), plus the page's own few.
    assert max(after) <= 48


# Erasure


def test_it_takes_one_request_at_a_time_and_says_so(cast: Cast) -> None:
    colin = client_for(cast.carer)
    url = reverse("privacy:erasure_request")
    response = colin.post(url, {"reason": "I am moving away."})
    assert response["Location"] == reverse("people:me")
    request = ErasureRequest.objects.get(user=cast.carer)
    assert (request.status, request.reason) == (ErasureStatus.PENDING, "I am moving away.")
    assert AuditEvent.objects.filter(action="erasure.requested", actor=cast.carer).exists()
    assert "You asked us to delete your data on" in colin.get(url).content.decode()

    again = colin.post(url, {"reason": ""})
    assert again.status_code == 400
    assert "You already asked us to delete your data on" in again.content.decode()
    assert ErasureRequest.objects.filter(user=cast.carer).count() == 1


def test_it_refuses_a_second_pending_request_in_the_database(cast: Cast) -> None:
    ErasureRequest.objects.create(user=cast.carer)
    with pytest.raises(IntegrityError):
        ErasureRequest.objects.create(user=cast.carer)


def prepare_amira_for_erasure(cast: Cast) -> ErasureRequest:
    give_amira_a_full_record(cast)
    membership_add(
        project=cast.employment,
        user=cast.member,
        member_type=MemberType.LIVED_EXPERIENCE,
        role=ProjectRole.MEMBER,
        actor=cast.coordinator,
    )
    invitation = Invitation(
        project=Project.objects.create(name="Transport group", purpose="Buses"),
        email="amira@example.org",
        member_type=MemberType.LIVED_EXPERIENCE,
        role=ProjectRole.MEMBER,
        invited_by=cast.coordinator,
    )
    invitation.issue_token(valid_days=14)
    invitation.save()
    return ask_for_erasure(cast.member, reason="I no longer want to take part.")


def test_it_erases_amira_when_sam_confirms_and_keeps_the_group_records(cast: Cast) -> None:
    request = prepare_amira_for_erasure(cast)
    amira_was_signed_in = client_for(cast.member)
    events_before = AuditEvent.objects.count()
    assert AuditEvent.objects.filter(summary__contains="Amira Haddad").exists()
    mail.outbox.clear()

    response = client_for(cast.administrator).post(
        reverse("privacy:erasure_decide", kwargs={"pk": request.pk}), {"decision": "erase"}
    )
    assert response["Location"] == reverse("privacy:erasure_requests")

    amira = User.objects.get(pk=cast.member.pk)
    assert amira.full_name == "Former member"
    assert amira.email == f"erased-{amira.pk}@invalid"
    assert not amira.is_active
    assert not amira.has_usable_password()
    for model in (Profile, AccessNeed, PersonMemberType, Consent):
        assert not model.objects.filter(user=amira).exists(), model.__name__
    assert not Invitation.objects.filter(email__iexact="amira@example.org").exists()
    memberships = Membership.objects.filter(user=amira)
    assert memberships.count() == 2
    assert all(membership.left_at is not None for membership in memberships)
    # The group's records stay whole, without her name.
    assert AuditEvent.objects.count() > events_before
    assert not AuditEvent.objects.filter(summary__contains="Amira Haddad").exists()
    assert AuditEvent.objects.filter(summary__contains="Former member joined as").exists()
    assert AuditEvent.objects.filter(action="erasure.completed", subject=amira).exists()
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.reason) == (
        ErasureStatus.COMPLETED,
        cast.administrator,
        "",
    )
    # She can no longer sign in, and her open session ends.
    assert not client_for(None).login(username="amira@example.org", password=PASSWORD)
    assert amira_was_signed_in.get(reverse("people:me")).status_code == 302
    (message,) = mail.outbox
    assert message.to == ["amira@example.org"]
    assert message.subject == "We have deleted your data"
    assert "Hello Amira Haddad" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "We have done this." in str(html)


def test_it_leaves_amira_as_she_was_when_sam_declines(cast: Cast) -> None:
    request = ask_for_erasure(cast.member)
    sam = client_for(cast.administrator)
    url = reverse("privacy:erasure_decide", kwargs={"pk": request.pk})
    assert "Amira Haddad" in sam.get(reverse("privacy:erasure_requests")).content.decode()
    mail.outbox.clear()

    without_note = sam.post(url, {"decision": "decline", "note": ""})
    assert without_note.status_code == 400
    assert "Say why you are declining" in without_note.content.decode()
    nothing = sam.post(url, {})
    assert "Choose what you want to do: delete their data or decline" in nothing.content.decode()

    note = "You are owed a payment, and we must keep records until it is made."
    assert sam.post(url, {"decision": "decline", "note": note}).status_code == 302
    request.refresh_from_db()
    assert (request.status, request.decision_note) == (ErasureStatus.DECLINED, note)
    cast.member.refresh_from_db()
    assert (cast.member.full_name, cast.member.is_active) == ("Amira Haddad", True)
    assert AuditEvent.objects.filter(action="erasure.declined", subject=cast.member).exists()
    (message,) = mail.outbox
    assert message.to == ["amira@example.org"]
    assert note in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, _mimetype = message.alternatives[0]
    assert note in str(html)
    # A decided request cannot be decided again, and she may ask again.
    assert sam.post(url, {"decision": "erase"})["Location"] == reverse("privacy:erasure_requests")
    cast.member.refresh_from_db()
    assert cast.member.is_active
    ask_for_erasure(cast.member)


@pytest.mark.parametrize("persona", ["member", "chair", "coordinator", "outsider"])
def test_it_lets_only_administrators_publish_list_and_decide(cast: Cast, persona: str) -> None:
    request = ask_for_erasure(cast.carer)
    client = client_for(getattr(cast, persona))
    decide = reverse("privacy:erasure_decide", kwargs={"pk": request.pk})
    assert client.get(reverse("privacy:erasure_requests")).status_code == 403
    assert client.get(decide).status_code == 403
    assert client.post(decide, {"decision": "erase"}).status_code == 403
    assert (
        client.post(
            reverse("privacy:privacy_notice_publish"), {"summary": "S", "body": "B"}
        ).status_code
        == 403
    )
    assert not PrivacyNotice.objects.exists()
    cast.carer.refresh_from_db()
    assert cast.carer.is_active


def test_it_needs_another_administrator_to_erase_an_administrator(cast: Cast) -> None:
    request = ask_for_erasure(cast.administrator)
    response = client_for(cast.administrator).post(
        reverse("privacy:erasure_decide", kwargs={"pk": request.pk}), {"decision": "erase"}
    )
    assert response.status_code == 403
    other = make_user("ayesha@example.org", "Ayesha Khan", "administrator")
    response = client_for(other).post(
        reverse("privacy:erasure_decide", kwargs={"pk": request.pk}), {"decision": "erase"}
    )
    assert response.status_code == 302
    cast.administrator.refresh_from_db()
    assert not cast.administrator.is_administrator


def test_it_publishes_the_demo_notice_once_and_leaves_olu_to_agree(
    db: None, settings: Settings
) -> None:
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    assert PrivacyNotice.objects.count() == 1
    assert Consent.objects.count() == 14
    assert not Consent.objects.filter(user__email="olu@example.org").exists()
    olu = client_for(User.objects.get(email="olu@example.org"))
    assert BANNER in olu.get(reverse("projects:list")).content.decode()
    amira = client_for(User.objects.get(email="amira@example.org"))
    assert BANNER not in amira.get(reverse("projects:list")).content.decode()


def test_it_pages_the_requests_waiting_oldest_first(cast: Cast, settings: Settings) -> None:
    settings.PAGE_SIZE = 2
    for n, user in enumerate((cast.carer, cast.clinician, cast.commissioner)):
        ErasureRequest.objects.create(
            user=user, requested_at=timezone.now() - datetime.timedelta(days=10 - n)
        )
    url = reverse("privacy:erasure_requests")
    sam = client_for(cast.administrator)

    first = [erasure.user for erasure in sam.get(url).context["pending"]]
    second = [erasure.user for erasure in sam.get(url, {"page": 2}).context["pending"]]

    assert first == [cast.carer, cast.clinician]
    assert second == [cast.commissioner]


def test_it_decides_a_request_once_when_two_administrators_decide_it_at_once(cast: Cast) -> None:
    request = ask_for_erasure(cast.member)
    url = reverse("privacy:erasure_decide", kwargs={"pk": request.pk})
    sam = client_for(cast.administrator)
    ayesha = client_for(make_user("ayesha@example.org", "Ayesha Khan", "administrator"))
    assert sam.get(url).status_code == 200
    assert ayesha.get(url).status_code == 200
    mail.outbox.clear()

    assert sam.post(url, {"decision": "erase"}).status_code == 302
    second = ayesha.post(url, {"decision": "decline", "note": "We must keep her payments."})

    assert second["Location"] == reverse("privacy:erasure_requests")
    told = ayesha.get(second["Location"]).content.decode()
    assert (
        "Sam Okoro has already decided this request: Data deleted. Nothing more was done, "
        "and nobody was emailed again."
    ) in told
    request.refresh_from_db()
    assert (request.status, request.decided_by, request.decision_note) == (
        ErasureStatus.COMPLETED,
        cast.administrator,
        "",
    )
    assert [message.subject for message in mail.outbox] == ["We have deleted your data"]
    # Had both pages reached the service together, the lock makes the second find it decided.
    with pytest.raises(services.PrivacyError, match="Sam Okoro has already decided"):
        services.erasure_request_decline(
            request=ErasureRequest(pk=request.pk), actor=cast.coordinator, note="Late"
        )
    assert len(mail.outbox) == 1
    assert not AuditEvent.objects.filter(action="erasure.declined").exists()
