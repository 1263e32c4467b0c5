"""Every URL pattern and every persona, with the outcome each must get.

Adding a URL without adding it here fails `test_it_covers_every_url_pattern`, so nobody can
ship a page whose permissions were never thought about.
"""

import datetime
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
from decisions.tests import grid as dec
from meetings.tests import grid_access_plan, grid_after, grid_record
from meetings.tests import grid_planning as plan
from meetings.tests import grid_preparation as prep
from payments.tests import grid as payments
from people.models import MemberType
from privacy.models import ErasureRequest
from projects.models import (
    Frustration,
    GroundRulesDraft,
    Invitation,
    Milestone,
    Outcome,
    OutcomeTask,
    Phase,
    ProjectRole,
    Skill,
    Stakeholder,
    Theme,
)
from projects.services.rules import ground_rules_adopt
from recruitment.tests import grid as recruitment

PERSONAS = [
    "anonymous",
    "outsider",
    "member",
    "chair",
    "coordinator",
    "administrator",
    # Fatima, in finance: she pays people and belongs to no project.
    "finance",
]

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
    # What is sent: fixed, or made from the cast when it names someone (their id varies).
    data: dict[str, str] | Callable[[Cast], dict[str, str]] = field(default_factory=dict)


def everyone(outcome: str) -> dict[str, str]:
    return dict.fromkeys(PERSONAS, outcome)


def signed_in(outcome: str) -> dict[str, str]:
    return {"anonymous": LOGIN} | dict.fromkeys(PERSONAS[1:], outcome)


def administrators_only() -> dict[str, str]:
    return signed_in(FORBIDDEN) | {"administrator": OK}


def two_factor_roles(outcome: str) -> dict[str, str]:
    """Two-step sign-in is offered to the organisation roles in accounts.policy."""
    return signed_in(FORBIDDEN) | {
        "coordinator": outcome,
        "administrator": outcome,
        "finance": outcome,
    }


def project_members(success: str = OK) -> dict[str, str]:
    return signed_in(success) | {"outsider": NOT_FOUND, "finance": NOT_FOUND}


def project_leaders(success: str = OK) -> dict[str, str]:
    return {
        "anonymous": LOGIN,
        "outsider": NOT_FOUND,
        "member": FORBIDDEN,
        "chair": success,
        "coordinator": success,
        "administrator": success,
        "finance": NOT_FOUND,
    }


def website(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.website.pk}


def amira_in_website(cast: Cast) -> dict[str, Any]:
    return {"pk": cast.website.pk, "membership_pk": cast.membership(cast.member).pk}


def website_with_rules(cast: Cast) -> dict[str, Any]:
    GroundRulesDraft.objects.create(project=cast.website, text="Listen to each other")
    ground_rules_adopt(
        project=cast.website, actor=cast.chair, change_note="First", discussed="at_meeting"
    )
    return {"pk": cast.website.pk}


def an_outcome(cast: Cast) -> dict[str, Any]:
    outcome = Outcome.objects.create(project=cast.website, title="People find crisis help fast")
    return {"pk": cast.website.pk, "outcome_pk": outcome.pk}


def a_task(cast: Cast) -> dict[str, Any]:
    outcome = Outcome.objects.create(project=cast.website, title="People find crisis help fast")
    task = OutcomeTask.objects.create(outcome=outcome, title="Write the crisis page")
    return {"pk": cast.website.pk, "task_pk": task.pk}


def a_milestone(cast: Cast) -> dict[str, Any]:
    milestone = Milestone.objects.create(
        project=cast.website, title="Crisis pages live", due_on=datetime.date(2030, 1, 1)
    )
    return {"pk": cast.website.pk, "milestone_pk": milestone.pk}


def a_phase(cast: Cast) -> dict[str, Any]:
    phase = Phase.objects.create(project=cast.website, name="Test with users", kind="implement")
    return {"pk": cast.website.pk, "phase_pk": phase.pk}


def a_theme(cast: Cast) -> dict[str, Any]:
    theme = Theme.objects.create(project=cast.website, name="Crisis help")
    return {"pk": cast.website.pk, "theme_pk": theme.pk}


def website_with_a_theme(cast: Cast) -> dict[str, Any]:
    a_theme(cast)
    return {"pk": cast.website.pk}


def a_frustration(cast: Cast) -> dict[str, Any]:
    frustration = Frustration.objects.create(
        project=cast.website, raised_by=cast.member, text="Papers come too late to read"
    )
    return {"pk": cast.website.pk, "frustration_pk": frustration.pk}


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


def finance_only(success: str = OK) -> dict[str, str]:
    return signed_in(FORBIDDEN) | {"finance": success}


def claim_viewers(success: str = OK) -> dict[str, str]:
    """Amira's claim: she, the people who lead her group (who approve it) and finance."""
    return signed_in(success) | {"outsider": NOT_FOUND}


def olus_erasure_request(cast: Cast) -> dict[str, Any]:
    return {"pk": ErasureRequest.objects.create(user=cast.outsider).pk}


GRID: dict[str, Rule] = {
    "home": Rule(everyone(OK)),
    "accessibility": Rule(everyone(OK)),
    "join": Rule(everyone(OK)),
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
    "project_history": Rule(project_members(), kwargs=website),
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
            "finance": NOT_FOUND,
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
    # Without the text to remove a name from, the page goes back to the request.
    "privacy:mention_redact": Rule(
        signed_in(FORBIDDEN) | {"administrator": REDIRECT}, kwargs=olus_erasure_request
    ),
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
    # Ground rules: any member suggests changes in the draft; leaders adopt; members agree.
    # The plan: the group reads it, its leaders keep it.
    "projects:plan": Rule(project_members(), kwargs=website),
    "projects:outcome_add": Rule(project_leaders(), kwargs=website),
    "projects:outcome_edit": Rule(project_leaders(), kwargs=an_outcome),
    "projects:outcome_task_add": Rule(project_leaders(), kwargs=an_outcome),
    "projects:outcome_task_edit": Rule(project_leaders(), kwargs=a_task),
    "projects:work_plan": Rule(project_members(), kwargs=website),
    "projects:work_plan_timeline": Rule(project_members(), kwargs=website),
    "projects:milestone_add": Rule(project_leaders(), kwargs=website),
    "projects:milestone_edit": Rule(project_leaders(), kwargs=a_milestone),
    "projects:phases": Rule(project_members(), kwargs=website),
    "projects:phase_add": Rule(project_leaders(), kwargs=website),
    "projects:phase_edit": Rule(project_leaders(), kwargs=a_phase),
    "projects:themes": Rule(project_members(), kwargs=website),
    "projects:theme_add": Rule(project_leaders(), kwargs=website),
    "projects:theme_edit": Rule(project_leaders(), kwargs=a_theme),
    # Only members rank; with a theme to rank the form shows.
    "projects:theme_rank": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=website_with_a_theme
    ),
    "projects:theme_ranking_state": Rule(project_leaders(), kwargs=website),
    "projects:coproduction_meaning": Rule(project_members(), kwargs=website),
    "projects:coproduction_meaning_read": Rule(
        project_members(REDIRECT) | {"administrator": FORBIDDEN}, kwargs=website, method="post"
    ),
    "projects:coproduction_meaning_edit": Rule(project_leaders(), kwargs=website),
    "projects:membership_pause": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=website
    ),
    # Amira is not paused, so coming back tells her so and goes back to the project.
    "projects:membership_come_back": Rule(
        project_members(REDIRECT) | {"administrator": FORBIDDEN}, kwargs=website, method="post"
    ),
    "projects:ground_rules": Rule(project_members(), kwargs=website),
    "projects:ground_rules_draft": Rule(project_members(), kwargs=website),
    "projects:ground_rules_adopt": Rule(project_leaders(), kwargs=website),
    "projects:ground_rules_agree": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=website_with_rules
    ),
    "projects:ground_rules_versions": Rule(project_members(), kwargs=website),
    # Expectations and frustrations: the group reads them, members write them, leaders respond.
    "projects:expectations": Rule(project_members(), kwargs=website),
    "projects:expectation_record": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=website
    ),
    "projects:frustration_add": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=website
    ),
    "projects:frustration_respond": Rule(project_leaders(), kwargs=a_frustration),
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
    "meetings:paper_notice_told": Rule(
        project_leaders(REDIRECT), kwargs=prep.prep_paper_notice, method="post"
    ),
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
    "meetings:contributions_live": Rule(project_leaders(), kwargs=grid_record.item_kwargs),
    "meetings:contribution_count": Rule(
        project_leaders(REDIRECT),
        kwargs=grid_record.present_item_kwargs,
        method="post",
        data=grid_record.a_press_for_amira,
    ),
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
    # Decisions: proposals. Anyone in the group drafts, comments and answers; the
    # administrator runs the organisation but is not in the group, so does not.
    "decisions:proposals": Rule(project_members(), kwargs=dec.website),
    "decisions:proposal_add": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=dec.website
    ),
    "decisions:proposal_detail": Rule(project_members(), kwargs=dec.an_open_proposal),
    # Amira wrote the draft, so she may change it; so may the people who lead the group.
    "decisions:proposal_edit": Rule(project_members(), kwargs=dec.amiras_draft),
    "decisions:proposal_comment": Rule(
        signed_in(REDIRECT)
        | {"outsider": NOT_FOUND, "finance": NOT_FOUND, "administrator": FORBIDDEN},
        kwargs=dec.an_open_proposal,
        method="post",
        data={"text": "A comment"},
    ),
    # Responding is for the decision-makers, even on Amira's own proposal.
    "decisions:proposal_move": Rule(project_leaders(), kwargs=dec.responding_to_a_proposal),
    "decisions:proposal_versions": Rule(project_members(), kwargs=dec.an_open_proposal),
    # Decisions
    "decisions:decision_log": Rule(project_members(), kwargs=dec.website),
    "decisions:decision_log_csv": Rule(project_members(), kwargs=dec.website),
    "decisions:decision_add": Rule(project_leaders(), kwargs=dec.website),
    "decisions:decision_detail": Rule(project_members(), kwargs=dec.an_open_decision),
    "decisions:decision_edit": Rule(project_leaders(), kwargs=dec.an_open_decision),
    "decisions:decision_respond": Rule(
        project_members() | {"administrator": FORBIDDEN}, kwargs=dec.an_open_decision
    ),
    "decisions:response_record": Rule(project_leaders(), kwargs=dec.an_open_decision),
    "decisions:decision_close": Rule(project_leaders(), kwargs=dec.an_open_decision),
    # The action log
    "decisions:actions": Rule(project_members(), kwargs=dec.website),
    "decisions:action_add": Rule(project_leaders(), kwargs=dec.website),
    "decisions:barriers": Rule(project_members(), kwargs=dec.website),
    "decisions:barriers_to_agenda": Rule(
        project_leaders(REDIRECT), kwargs=dec.website, method="post"
    ),
    "decisions:actions_remind": Rule(project_leaders(REDIRECT), kwargs=dec.website, method="post"),
    # Amira owns this action, so she moves it on; Colin owns the action point, not her.
    "decisions:action_status": Rule(project_members(), kwargs=dec.amiras_action),
    "decisions:action_edit": Rule(project_leaders(), kwargs=dec.amiras_action),
    "decisions:action_remove": Rule(project_leaders(), kwargs=dec.amiras_action),
    "decisions:action_point_status": Rule(project_leaders(), kwargs=dec.colins_action_point),
    # You said, we did: public once published (see the test below for before that).
    "decisions:public_page": Rule(everyone(OK), kwargs=dec.published),
    "decisions:public_manage": Rule(project_leaders(), kwargs=dec.website),
    "decisions:entry_add": Rule(project_leaders(), kwargs=dec.website),
    "decisions:entry_edit": Rule(project_leaders(), kwargs=dec.an_entry),
    "decisions:entry_helpful": Rule(
        everyone(REDIRECT), kwargs=dec.a_published_entry, method="post", data={"helpful": "yes"}
    ),
    "decisions:subscribe": Rule(everyone(OK), kwargs=dec.published),
    "decisions:subscription_confirm": Rule(everyone(OK), kwargs=dec.a_confirm_token),
    "decisions:unsubscribe": Rule(everyone(OK), kwargs=dec.an_unsubscribe_token),
    # Only the person credited chooses whether their name is shown.
    "decisions:credit": Rule(
        {"anonymous": LOGIN} | dict.fromkeys(PERSONAS[1:], NOT_FOUND) | {"member": OK},
        kwargs=dec.amiras_credit,
    ),
    # Payments: each person's own pages show only their own payments.
    "payments:mine": Rule(signed_in(OK)),
    "payments:choice": Rule(signed_in(OK)),
    "payments:involvement_add": Rule(signed_in(OK)),
    # Only Amira came to the meeting, so only she has its proposal to confirm.
    "payments:involvement_confirm": Rule(
        signed_in(NOT_FOUND) | {"member": REDIRECT},
        kwargs=payments.a_meeting_amira_came_to,
        method="post",
    ),
    # Only the person changes or removes what they logged (in no claim, or an open one).
    "payments:involvement_edit": Rule(
        signed_in(NOT_FOUND) | {"member": OK}, kwargs=payments.amiras_entry
    ),
    "payments:involvement_remove": Rule(
        signed_in(NOT_FOUND) | {"member": OK}, kwargs=payments.amiras_entry
    ),
    "payments:expense_add": Rule(signed_in(OK)),
    "payments:expense_edit": Rule(
        signed_in(NOT_FOUND) | {"member": OK}, kwargs=payments.amiras_expense
    ),
    "payments:expense_remove": Rule(
        signed_in(NOT_FOUND) | {"member": OK}, kwargs=payments.amiras_expense
    ),
    # Amira's receipt, in no claim yet: hers, and finance's to check.
    "payments:receipt": Rule(
        signed_in(NOT_FOUND) | {"member": OK, "finance": OK}, kwargs=payments.amiras_receipt
    ),
    "payments:claim_new": Rule(signed_in(OK)),
    # Colin (a member too) never sees Amira's claim: see test_it_never_shows_a_member_...
    "payments:claim_detail": Rule(claim_viewers(), kwargs=payments.amiras_claim),
    # Amira is told she cannot approve her own; finance pays but does not approve.
    "payments:claim_approve": Rule(
        claim_viewers(REDIRECT) | {"finance": FORBIDDEN},
        kwargs=payments.amiras_claim,
        method="post",
    ),
    "payments:claim_query": Rule(
        claim_viewers() | {"member": FORBIDDEN, "finance": FORBIDDEN},
        kwargs=payments.amiras_claim,
    ),
    "payments:claim_answer": Rule(
        claim_viewers(FORBIDDEN) | {"member": OK}, kwargs=payments.amiras_queried_claim
    ),
    # Only the claimant withdraws; those who may see the claim are refused, others told nothing.
    "payments:claim_withdraw": Rule(
        claim_viewers(FORBIDDEN) | {"member": OK}, kwargs=payments.amiras_claim
    ),
    "payments:statement": Rule(signed_in(OK)),
    "payments:statement_pdf": Rule(signed_in(OK)),
    "payments:project_claims": Rule(project_leaders(), kwargs=website),
    "payments:claim_on_behalf": Rule(project_leaders(), kwargs=website),
    "payments:finance": Rule(finance_only()),
    "payments:rates": Rule(finance_only()),
    "payments:run_new": Rule(finance_only()),
    "payments:run_detail": Rule(finance_only(), kwargs=payments.a_run),
    "payments:run_summary": Rule(finance_only(), kwargs=payments.a_run),
    "payments:run_export": Rule(finance_only(), kwargs=payments.a_run),
    "payments:run_paid": Rule(finance_only(), kwargs=payments.a_run),
    "payments:person_details": Rule(finance_only(), kwargs=payments.amira),
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
    data = rule.data(cast) if callable(rule.data) else rule.data
    response = getattr(client, rule.method)(url, data)
    assert outcome(response) == rule.expected[persona], (
        f"{rule.method.upper()} {url} as {persona}: got {response.status_code}"
    )


@pytest.mark.parametrize(
    "name", ["projects:detail", "projects:members", "projects:edit", "project_history"]
)
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


@pytest.mark.parametrize("name", ["decisions:public_page", "decisions:subscribe"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_it_keeps_an_unpublished_you_said_we_did_page_to_the_group(
    cast: Cast, name: str, persona: str
) -> None:
    url = reverse(name, kwargs=dec.website(cast))
    response = client_for(persona_user(cast, persona)).get(url)
    expected = project_members() | {"anonymous": NOT_FOUND}
    assert outcome(response) == expected[persona], f"{url} as {persona}"
