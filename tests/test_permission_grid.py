"""Every URL pattern and every persona, with the outcome each must get.

Adding a URL without adding it here fails `test_it_covers_every_url_pattern`, so nobody can
ship a page whose permissions were never thought about.
"""

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from PIL import Image

from accounts.models import Organisation, User
from conftest import Cast, client_for
from meetings.tests import grid_access_plan, grid_after, grid_record
from meetings.tests import grid_planning as plan
from meetings.tests import grid_preparation as prep
from people.models import MemberType
from privacy.models import ErasureRequest
from projects.models import Invitation, ProjectRole, Skill, Stakeholder
from recruitment.tests import grid as recruitment

PERSONAS = ["anonymous", "outsider", "member", "chair", "coordinator", "administrator"]

OK, LOGIN, NOT_FOUND, FORBIDDEN, NOT_ALLOWED, REDIRECT = (
    "200",
    "sign in",
    "404",
    "403",
    "405",
    "redirect",
)


@dataclass
class Rule:
    expected: dict[str, str]
    kwargs: Callable[[Cast], dict[str, Any]] = lambda cast: {}
    args: Callable[[Cast], list[Any]] = lambda cast: []
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(PERSONAS, outcome)


def signed_in(outcome: str) -> dict[str, str]:
    return {"anonymous": LOGIN} | dict.fromkeys(PERSONAS[1:], outcome)


def administrators_only() -> dict[str, str]:
    return signed_in(FORBIDDEN) | {"administrator": OK}


def two_factor_roles(outcome: str) -> dict[str, str]:
    """Two-step sign-in is offered to the organisation roles in accounts.policy."""
    return signed_in(FORBIDDEN) | {"coordinator": outcome, "administrator": outcome}


def project_members() -> dict[str, str]:
    return signed_in(OK) | {"outsider": NOT_FOUND}


def project_leaders(success: str = OK) -> dict[str, str]:
    return {
        "anonymous": LOGIN,
        "outsider": NOT_FOUND,
        "member": FORBIDDEN,
        "chair": success,
        "coordinator": success,
        "administrator": success,
    }


def website(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.website.pk}


def amira_in_website(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.website.pk, "membership_pk": cast.membership(cast.member).pk}


def a_skill(cast: Cast) -> dict[str, Any]:
    skill = Skill.objects.create(project=cast.website, name="Plain English editing")
    return {"pk": cast.website.pk, "skill_pk": skill.pk}


def a_stakeholder(cast: Cast) -> dict[str, Any]:
    stakeholder = Stakeholder.objects.create(
        project=cast.website, name="Riverside Carers' Centre", interest="Respite care"
    )
    return {"pk": cast.website.pk, "stakeholder_pk": stakeholder.pk}


def selection_panel(success: str = OK) -> dict[str, str]:
    """Leaders, and Amira, a member who does not lead, because she sits on the panel."""
    return project_leaders(success) | {"member": success}


def panel_only() -> dict[str, str]:
    """Only the people on the panel score: Amira and Grace, not Deborah or Sam."""
    return project_leaders(FORBIDDEN) | {"member": OK, "coordinator": OK}


def pending_invitation(cast: Cast) -> dict[str, Any]:
    invitation = Invitation(
        project=cast.website,
        email="nadia@example.org",
        member_type=MemberType.LIVED_EXPERIENCE,
        role=ProjectRole.MEMBER,
        invited_by=cast.coordinator,
    )
    invitation.issue_token(valid_days=14)
    invitation.save()
    return {"pk": cast.website.pk, "invitation_pk": invitation.pk}


def invitation_token(cast: Cast) -> list[Any]:
    invitation = Invitation(
        project=cast.website,
        email="nadia@example.org",
        member_type=MemberType.LIVED_EXPERIENCE,
        role=ProjectRole.MEMBER,
        invited_by=cast.coordinator,
    )
    token = invitation.issue_token(valid_days=14)
    invitation.save()
    return [token]


def the_logo(cast: Cast) -> dict[str, Any]:
    # One small file at a fixed name, written once, so grid runs do not fill the media folder.
    if not default_storage.exists("organisation/grid-logo.png"):
        buffer = io.BytesIO()
        Image.new("RGB", (4, 4), "teal").save(buffer, "PNG")
        default_storage.save("organisation/grid-logo.png", ContentFile(buffer.getvalue()))
    Organisation.objects.filter(pk=Organisation.SINGLETON_ID).update(
        logo="organisation/grid-logo.png"
    )
    return {"name": "grid-logo.png"}


def olus_erasure_request(cast: Cast) -> dict[str, Any]:
    return {"pk": ErasureRequest.objects.create(user=cast.outsider).pk}


GRID: dict[str, Rule] = {
    "home": Rule(signed_in(REDIRECT) | {"anonymous": OK}),
    "accessibility": Rule(everyone(OK)),
    "healthz": Rule(everyone(OK)),
    # The logo is in the header of every page, the sign-in page too.
    "organisation_logo": Rule(everyone(OK), kwargs=the_logo),
    "accounts:sign_in": Rule(signed_in(REDIRECT) | {"anonymous": OK}),
    # With no password typed first, the second step sends people back to the first.
    "accounts:sign_in_code": Rule(signed_in(REDIRECT) | {"anonymous": LOGIN}),
    "accounts:two_factor": Rule(two_factor_roles(OK)),
    "accounts:two_factor_set_up": Rule(two_factor_roles(OK)),
    # Nothing to show or turn off before it is set up: to the set-up or settings page.
    "accounts:two_factor_recovery_codes": Rule(two_factor_roles(REDIRECT)),
    "accounts:two_factor_turn_off": Rule(two_factor_roles(REDIRECT)),
    "accounts:sign_out": Rule(everyone(NOT_ALLOWED)),
    "accounts:password_reset": Rule(everyone(OK)),
    "accounts:password_reset_sent": Rule(everyone(OK)),
    "accounts:password_reset_confirm": Rule(
        everyone(OK), kwargs=lambda cast: {"uidb64": "MQ", "token": "not-a-real-token"}
    ),
    "accounts:password_reset_complete": Rule(everyone(OK)),
    "accounts:password_change": Rule(signed_in(OK)),
    "accounts:password_change_done": Rule(signed_in(OK)),
    "invitation_accept": Rule(everyone(OK), args=invitation_token),
    "accounts:organisation": Rule(administrators_only()),
    "accounts:audit_log": Rule(administrators_only()),
    "projects:list": Rule(signed_in(OK)),
    "projects:create": Rule(
        signed_in(FORBIDDEN) | {"coordinator": OK, "administrator": OK},
    ),
    "projects:detail": Rule(project_members(), kwargs=website),
    "projects:edit": Rule(project_leaders(), kwargs=website),
    "projects:members": Rule(project_members(), kwargs=website),
    "projects:member_invite": Rule(project_leaders(), kwargs=website),
    "projects:member_change": Rule(project_leaders(), kwargs=amira_in_website),
    "projects:member_remove": Rule(project_leaders(), kwargs=amira_in_website),
    # Amira's access requirements: her own, and the coordinator's, who arranges support.
    # Her chair and the administrator do not arrange support, and she has not shared them.
    "projects:member_access": Rule(
        {
            "anonymous": LOGIN,
            "outsider": NOT_FOUND,
            "member": OK,
            "chair": FORBIDDEN,
            "coordinator": OK,
            "administrator": FORBIDDEN,
        },
        kwargs=amira_in_website,
    ),
    "people:me": Rule(signed_in(OK)),
    "people:details": Rule(signed_in(OK)),
    "people:access": Rule(signed_in(OK)),
    "people:preferences": Rule(signed_in(OK)),
    "privacy:privacy_notice": Rule(everyone(OK)),
    "privacy:consent": Rule(signed_in(OK)),
    "privacy:data_export": Rule(signed_in(OK)),
    "privacy:erasure_request": Rule(signed_in(OK)),
    "privacy:privacy_notice_publish": Rule(administrators_only()),
    "privacy:erasure_requests": Rule(administrators_only()),
    "privacy:erasure_decide": Rule(administrators_only(), kwargs=olus_erasure_request),
    "projects:onboarding": Rule(project_leaders(), kwargs=website),
    "projects:onboarding_member": Rule(project_leaders(), kwargs=amira_in_website),
    "projects:onboarding_welcome": Rule(
        project_leaders(REDIRECT), kwargs=amira_in_website, method="post"
    ),
    # Only members answer the equality questions; leaders see them added up.
    "projects:equality_form": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=website
    ),
    "projects:equality_summary": Rule(project_leaders(), kwargs=website),
    "projects:skills": Rule(project_members(), kwargs=website),
    # Only members bring skills; the administrator is not in the group.
    "projects:skill_offers": Rule(project_members() | {"administrator": FORBIDDEN}, kwargs=website),
    "projects:skill_add": Rule(project_leaders(), kwargs=website),
    "projects:skill_edit": Rule(project_leaders(), kwargs=a_skill),
    "projects:skill_remove": Rule(project_leaders(), kwargs=a_skill),
    "projects:stakeholders": Rule(project_members(), kwargs=website),
    "projects:stakeholder_add": Rule(project_leaders(), kwargs=website),
    "projects:stakeholder_edit": Rule(project_leaders(), kwargs=a_stakeholder),
    "projects:stakeholder_remove": Rule(project_leaders(), kwargs=a_stakeholder),
    "projects:invitation_resend": Rule(
        project_leaders(REDIRECT), kwargs=pending_invitation, method="post"
    ),
    "projects:invitation_withdraw": Rule(project_leaders(), kwargs=pending_invitation),
    # Recruitment
    "recruitment:calls": Rule(project_leaders(), kwargs=website),
    "recruitment:call_add": Rule(project_leaders(), kwargs=website),
    "recruitment:call_detail": Rule(selection_panel(), kwargs=recruitment.website_call),
    "recruitment:call_edit": Rule(project_leaders(), kwargs=recruitment.website_call),
    "recruitment:call_close": Rule(project_leaders(), kwargs=recruitment.website_call),
    "recruitment:call_reopen": Rule(
        project_leaders(REDIRECT), kwargs=recruitment.website_call, method="post"
    ),
    "recruitment:call_panel": Rule(project_leaders(), kwargs=recruitment.website_call),
    "recruitment:call_questions": Rule(project_leaders(), kwargs=recruitment.website_call),
    "recruitment:call_question_add": Rule(project_leaders(), kwargs=recruitment.website_call),
    "recruitment:call_question_edit": Rule(project_leaders(), kwargs=recruitment.a_call_question),
    "recruitment:call_question_remove": Rule(project_leaders(), kwargs=recruitment.a_call_question),
    "recruitment:call_question_move": Rule(
        project_leaders(REDIRECT),
        kwargs=recruitment.a_call_question,
        method="post",
        data={"direction": "up"},
    ),
    "recruitment:application_enter": Rule(project_leaders(), kwargs=recruitment.website_call),
    "recruitment:application_detail": Rule(selection_panel(), kwargs=recruitment.an_application),
    "recruitment:application_assess": Rule(panel_only(), kwargs=recruitment.an_application),
    "recruitment:application_move": Rule(project_leaders(), kwargs=recruitment.an_application),
    "recruitment:application_letter": Rule(
        project_leaders(), kwargs=recruitment.an_application_invited_to_talk
    ),
    "recruitment:apply": Rule(everyone(OK), kwargs=recruitment.the_call_to_apply_to),
    # Meetings: planning
    "meetings:list": Rule(project_members(), kwargs=plan.planning_project),
    "meetings:detail": Rule(project_members(), kwargs=plan.planning_meeting),
    "meetings:create": Rule(project_leaders(), kwargs=plan.planning_project),
    "meetings:edit": Rule(project_leaders(), kwargs=plan.planning_meeting),
    "meetings:cancel": Rule(project_leaders(), kwargs=plan.planning_meeting),
    # Venues belong to the organisation: everyone signed in sees them, coordinators keep them.
    "meetings:venues": Rule(signed_in(OK)),
    "meetings:venue_add": Rule(signed_in(FORBIDDEN) | {"coordinator": OK, "administrator": OK}),
    "meetings:venue_edit": Rule(
        signed_in(FORBIDDEN) | {"coordinator": OK, "administrator": OK}, kwargs=plan.a_venue
    ),
    "meetings:venue_retire": Rule(
        signed_in(FORBIDDEN) | {"coordinator": OK, "administrator": OK}, kwargs=plan.a_venue
    ),
    "meetings:venue_restore": Rule(
        signed_in(FORBIDDEN) | {"coordinator": REDIRECT, "administrator": REDIRECT},
        kwargs=plan.a_venue,
        method="post",
    ),
    "meetings:date_poll": Rule(project_members(), kwargs=plan.undated_meeting),
    "meetings:date_option_add": Rule(project_leaders(), kwargs=plan.undated_meeting),
    "meetings:date_option_remove": Rule(project_leaders(), kwargs=plan.date_option),
    "meetings:date_choose": Rule(project_leaders(), kwargs=plan.date_option),
    # Meetings: access plan
    # Everyone in the group sees whether the plan is complete; leaders see the needs by type.
    "meetings:access_plan": Rule(project_members(), kwargs=grid_access_plan.planned_meeting),
    "meetings:access_plan_people": Rule(project_leaders(), kwargs=grid_access_plan.planned_meeting),
    "meetings:mark_ready": Rule(
        project_leaders(REDIRECT), kwargs=grid_access_plan.planned_meeting, method="post"
    ),
    "meetings:back_to_planning": Rule(
        project_leaders(REDIRECT), kwargs=grid_access_plan.ready_meeting, method="post"
    ),
    "meetings:arrangement_add": Rule(project_leaders(), kwargs=grid_access_plan.planned_meeting),
    "meetings:arrangement_edit": Rule(project_leaders(), kwargs=grid_access_plan.a_booking),
    "meetings:arrangement_remove": Rule(project_leaders(), kwargs=grid_access_plan.a_booking),
    "meetings:unmet_reason": Rule(project_leaders(), kwargs=grid_access_plan.an_unmet_loop),
    "meetings:unmet_reason_remove": Rule(
        project_leaders(), kwargs=grid_access_plan.a_recorded_reason
    ),
    # Meetings: preparation
    "meetings:agenda": Rule(project_members(), kwargs=prep.prep_meeting),
    "meetings:agenda_item_add": Rule(project_leaders(), kwargs=prep.prep_meeting),
    "meetings:agenda_item_edit": Rule(project_leaders(), kwargs=prep.prep_item),
    "meetings:agenda_item_remove": Rule(project_leaders(), kwargs=prep.prep_item),
    "meetings:agenda_item_move": Rule(
        project_leaders(REDIRECT), kwargs=prep.prep_item, method="post", data={"direction": "up"}
    ),
    "meetings:papers": Rule(project_members(), kwargs=prep.prep_meeting),
    "meetings:paper_add": Rule(project_leaders(), kwargs=prep.prep_meeting),
    "meetings:paper_edit": Rule(project_leaders(), kwargs=prep.prep_paper),
    "meetings:paper_remove": Rule(project_leaders(), kwargs=prep.prep_paper),
    "meetings:paper_version_add": Rule(project_leaders(), kwargs=prep.prep_paper),
    "meetings:paper_version_remove": Rule(project_leaders(), kwargs=prep.prep_easy_read),
    # Papers are never at a public address: only the group downloads them.
    "meetings:paper_download": Rule(project_members(), kwargs=prep.prep_easy_read),
    "meetings:papers_report": Rule(project_members(), kwargs=prep.prep_project),
    "meetings:calendar": Rule(project_members(), kwargs=prep.prep_meeting),
    "meetings:invitations": Rule(project_leaders(), kwargs=prep.prep_meeting),
    "meetings:invitee_add": Rule(project_leaders(), kwargs=prep.prep_meeting),
    "meetings:invitee_remove": Rule(project_leaders(), kwargs=prep.prep_invitee),
    # Everyone is already invited, so sending goes back to the list with a message.
    "meetings:invitations_send": Rule(
        project_leaders(REDIRECT), kwargs=prep.prep_meeting, method="post"
    ),
    "meetings:invitation_resend": Rule(project_leaders(), kwargs=prep.prep_invitee, method="post"),
    # Only people invited reply; Sam administers the organisation but is not in the group.
    "meetings:reply": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=prep.prep_meeting
    ),
    "meetings:advance_input": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=prep.prep_meeting
    ),
    # Meetings: record
    "meetings:record": Rule(project_members(), kwargs=grid_record.meeting_kwargs),
    "meetings:attendance": Rule(project_leaders(), kwargs=grid_record.meeting_kwargs),
    "meetings:attendees_add": Rule(project_leaders(), kwargs=grid_record.meeting_kwargs),
    "meetings:minutes_edit": Rule(project_leaders(), kwargs=grid_record.meeting_kwargs),
    "meetings:minutes_versions": Rule(project_members(), kwargs=grid_record.meeting_kwargs),
    "meetings:minutes_version": Rule(project_members(), kwargs=grid_record.version_kwargs),
    "meetings:decision_add": Rule(project_leaders(), kwargs=grid_record.meeting_kwargs),
    "meetings:decision_edit": Rule(project_leaders(), kwargs=grid_record.decision_kwargs),
    "meetings:decision_remove": Rule(project_leaders(), kwargs=grid_record.decision_kwargs),
    "meetings:action_add": Rule(project_leaders(), kwargs=grid_record.meeting_kwargs),
    "meetings:action_edit": Rule(project_leaders(), kwargs=grid_record.action_kwargs),
    "meetings:action_remove": Rule(project_leaders(), kwargs=grid_record.action_kwargs),
    # Amira (the member) does not own this action point, so she cannot mark it done.
    "meetings:action_done": Rule(
        project_leaders(REDIRECT),
        kwargs=grid_record.action_kwargs,
        method="post",
        data={"done": "yes"},
    ),
    "meetings:contributions": Rule(project_leaders(), kwargs=grid_record.meeting_kwargs),
    "meetings:contributions_item": Rule(project_leaders(), kwargs=grid_record.item_kwargs),
    "meetings:equal_voice": Rule(project_members(), kwargs=grid_record.meeting_kwargs),
    "meetings:project_equal_voice": Rule(project_members(), kwargs=grid_record.project_kwargs),
    # Meetings: after
    "meetings:close": Rule(project_leaders(), kwargs=grid_after.a_meeting_just_held),
    "meetings:cooling_off": Rule(project_members(), kwargs=grid_after.a_meeting_cooling_off),
    # The chair, co-chair and facilitators answer (Grace facilitates); Amira does not.
    "meetings:cooling_off_consider": Rule(project_leaders(), kwargs=grid_after.a_thought_to_answer),
    "meetings:minutes_approve": Rule(project_leaders(), kwargs=grid_after.a_meeting_cooling_off),
    "meetings:check": Rule(project_members(), kwargs=grid_after.a_meeting_cooling_off),
    "meetings:check_answers": Rule(project_leaders(), kwargs=grid_after.a_meeting_cooling_off),
    "meetings:project_checks": Rule(project_members(), kwargs=grid_after.the_website_group),
    # Django's admin sends everyone but administrators to its own sign-in page.
    "admin:index": Rule(everyone(REDIRECT) | {"administrator": OK}),
}


def url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


def outcome(response: Any) -> str:
    if response.status_code == 302:
        sign_in = reverse("accounts:sign_in")
        return LOGIN if response["Location"].startswith(sign_in) else REDIRECT
    return str(response.status_code)


def without_csrf_token(html: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def persona_user(cast: Cast, persona: str) -> User | None:
    return None if persona == "anonymous" else getattr(cast, persona)


def test_it_covers_every_url_pattern() -> None:
    names = {name for name in url_names(get_resolver().url_patterns) if ":" not in name}
    names |= {
        name
        for name in url_names(get_resolver().url_patterns)
        if ":" in name and not name.startswith("admin:")
    }
    missing = sorted(names - GRID.keys())
    assert not missing, f"Add these URL names to the permission grid: {missing}"


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(GRID))
def test_it_gives_each_persona_the_expected_outcome(cast: Cast, name: str, persona: str) -> None:
    rule = GRID[name]
    url = reverse(name, args=rule.args(cast), kwargs=rule.kwargs(cast))
    client = client_for(persona_user(cast, persona))
    response = getattr(client, rule.method)(url, rule.data)
    assert outcome(response) == rule.expected[persona], (
        f"{rule.method.upper()} {url} as {persona}: got {response.status_code}"
    )


@pytest.mark.parametrize("name", ["projects:detail", "projects:members", "projects:edit"])
def test_it_tells_outsiders_nothing_about_whether_a_project_exists(cast: Cast, name: str) -> None:
    olu = client_for(cast.outsider)
    real = olu.get(reverse(name, kwargs={"pk": cast.website.pk}))
    made_up = olu.get(reverse(name, kwargs={"pk": 999_999}))
    assert real.status_code == made_up.status_code == 404
    assert without_csrf_token(real.content) == without_csrf_token(made_up.content)


def test_it_shuts_out_people_whose_membership_ended(cast: Cast) -> None:
    from django.utils import timezone

    membership = cast.membership(cast.member)
    membership.left_at = timezone.now()
    membership.save()
    response = client_for(cast.member).get(reverse("projects:detail", kwargs=website(cast)))
    assert response.status_code == 404


def test_it_shuts_out_deactivated_people(cast: Cast) -> None:
    cast.chair.is_active = False
    cast.chair.save()
    response = client_for(cast.chair).get(reverse("projects:detail", kwargs=website(cast)))
    assert outcome(response) == LOGIN
