"""Every page, for every persona, in every state we can reach, passes axe-core's WCAG 2.2 AA rules.

The pages come from the URL patterns themselves: a named URL without a recipe below fails
the test, so a new page cannot escape the check. Error pages (403, 404) are checked too, and
so are forms showing their errors.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyotp
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from playwright.sync_api import Page

from accounts.models import User
from coproduce.management.commands.demo import DEMO_PASSWORD
from people.models import MemberType
from privacy import services as privacy_services
from privacy.models import ErasureRequest, ErasureStatus
from projects.models import (
    Frustration,
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
from tests.browser import axe_violations, describe_violations
from tests.conftest import ANONYMOUS, BROWSER_PERSONAS, Demo, OpenPage
from tests.pages import decisions as dec
from tests.pages import meetings_access_plan as pages_access_plan
from tests.pages import meetings_after as pages_after
from tests.pages import meetings_planning as plan_pages
from tests.pages import meetings_preparation as prep_pages
from tests.pages import meetings_record as pages_record
from tests.pages import payments as pay_pages
from tests.pages.recruitment import (
    an_employment_application,
    an_employment_call_question,
    the_employment_call,
    the_employment_call_to_apply_to,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Statuses whose pages people read. Redirects are followed to the page they end on.
CHECKED_STATUSES = {200, 400, 403, 404, 405}
# A 1280 px wide window at 400% zoom, or a small phone (WCAG 1.4.10, Reflow).
NARROW = {"width": 320, "height": 640}


def invite(demo: Demo, email: str, **state: Any) -> tuple[Invitation, str]:
    """A fresh invitation from the coordinator to the website group, and its token.

    Only a hash of each token is stored, so an earlier invitation to the same address is
    withdrawn to make way for this one.
    """
    Invitation.objects.pending().filter(project=demo.website, email=email).update(
        withdrawn_at=timezone.now()
    )
    invitation = Invitation(
        project=demo.website,
        email=email,
        full_name="Nadia Karim",
        member_type=MemberType.LIVED_EXPERIENCE,
        role=ProjectRole.MEMBER,
        message="We would love you to bring your experience.",
        invited_by=demo.person("coordinator"),
        **state,
    )
    token = invitation.issue_token(valid_days=14)
    invitation.save()
    return invitation, token


def invitation_link(demo: Demo, email: str, **state: Any) -> str:
    _invitation, token = invite(demo, email, **state)
    return reverse("invitation_accept", args=[token])


def withdraw_page(demo: Demo, email: str) -> str:
    invitation, _token = invite(demo, email)
    return reverse(
        "projects:invitation_withdraw",
        kwargs={"pk": demo.website.pk, "invitation_pk": invitation.pk},
    )


def nadias_invitation(demo: Demo) -> int:
    """The demo's pending invitation, which is to the employment group."""
    return Invitation.objects.pending().get(project=demo.employment, email="nadia@example.org").pk


@dataclass
class Recipe:
    """How to fill a URL pattern's arguments from the demo data."""

    kwargs: Callable[[Demo], dict[str, Any]] = lambda demo: {}
    url: Callable[[Demo], str] | None = None  # for URLs whose argument must be made fresh

    def path(self, name: str, demo: Demo) -> str:
        return self.url(demo) if self.url else reverse(name, kwargs=self.kwargs(demo))


def website(demo: Demo) -> dict[str, Any]:
    return {"pk": demo.website.pk}


def amira_in_the_website_group(demo: Demo) -> dict[str, Any]:
    return {"pk": demo.website.pk, "membership_pk": demo.membership("member").pk}


def plain_english_editing(demo: Demo) -> dict[str, Any]:
    """A skill on the website group's list, from the demo."""
    skill = Skill.objects.get(project=demo.website, name="Plain English editing")
    return {"pk": demo.website.pk, "skill_pk": skill.pk}


def the_carers_centre(demo: Demo) -> dict[str, Any]:
    """The demo's stakeholder on the website group's map."""
    stakeholder = Stakeholder.objects.get(project=demo.website, name="Riverside Carers' Centre")
    return {"pk": demo.website.pk, "stakeholder_pk": stakeholder.pk}


def the_websites_first_outcome(demo: Demo) -> dict[str, Any]:
    outcome = Outcome.objects.filter(project=demo.website).order_by("pk").first()
    assert outcome is not None, "The demo has no outcomes"
    return {"pk": demo.website.pk, "outcome_pk": outcome.pk}


def the_websites_first_task(demo: Demo) -> dict[str, Any]:
    task = OutcomeTask.objects.filter(outcome__project=demo.website).order_by("pk").first()
    assert task is not None, "The demo has no tasks"
    return {"pk": demo.website.pk, "task_pk": task.pk}


def the_websites_first_milestone(demo: Demo) -> dict[str, Any]:
    milestone = Milestone.objects.filter(project=demo.website).order_by("pk").first()
    assert milestone is not None, "The demo has no milestones"
    return {"pk": demo.website.pk, "milestone_pk": milestone.pk}


def the_websites_first_phase(demo: Demo) -> dict[str, Any]:
    phase = Phase.objects.filter(project=demo.website).order_by("position").first()
    assert phase is not None, "The demo has no phases"
    return {"pk": demo.website.pk, "phase_pk": phase.pk}


def the_websites_first_frustration(demo: Demo) -> dict[str, Any]:
    frustration = Frustration.objects.filter(project=demo.website).order_by("pk").first()
    assert frustration is not None, "The demo has no frustrations"
    return {"pk": demo.website.pk, "frustration_pk": frustration.pk}


def the_websites_first_theme(demo: Demo) -> dict[str, Any]:
    theme = Theme.objects.filter(project=demo.website).order_by("pk").first()
    assert theme is not None, "The demo has no themes"
    return {"pk": demo.website.pk, "theme_pk": theme.pk}


def nadia_invited_to_the_employment_group(demo: Demo) -> dict[str, Any]:
    return {"pk": demo.employment.pk, "invitation_pk": nadias_invitation(demo)}


def olus_erasure_request(demo: Demo) -> dict[str, Any]:
    """Olu has asked for his data to be deleted, so he sees that his request is waiting."""
    olu = User.objects.get(email="olu@example.org")
    request, _created = ErasureRequest.objects.get_or_create(
        user=olu,
        status=ErasureStatus.PENDING,
        defaults={"reason": "I have moved away and no longer take part."},
    )
    return {"pk": request.pk}


def olus_mention(demo: Demo) -> str:
    """The website group lists Olu's address as a stakeholder's contact, so his request to
    be deleted has a text to remove his name from."""
    Stakeholder.objects.get_or_create(
        project=demo.website,
        name="Community radio",
        defaults={"interest": "Tells listeners about the group", "contact": "olu@example.org"},
    )
    olu = User.objects.get(email="olu@example.org")
    (mention,) = [m for m in privacy_services.person_mentions(user=olu) if "stakeholder" in m.key]
    url = reverse("privacy:mention_redact", kwargs=olus_erasure_request(demo))
    return f"{url}?key={mention.key}"


RECIPES: dict[str, Recipe] = {
    "home": Recipe(),
    "accessibility": Recipe(),
    "join": Recipe(),
    "healthz": Recipe(),
    # The demo has no logo, so this is the page for an upload that is not there.
    "organisation_logo": Recipe(lambda demo: {"name": "logo.png"}),
    "accounts:sign_in": Recipe(),
    "accounts:sign_out": Recipe(),
    "accounts:password_reset": Recipe(),
    "accounts:password_reset_sent": Recipe(),
    # A link that does not work shows the "This link no longer works" page.
    "accounts:password_reset_confirm": Recipe(lambda demo: {"uidb64": "MQ", "token": "bad"}),
    "accounts:password_reset_complete": Recipe(),
    "accounts:password_change": Recipe(),
    "accounts:password_change_done": Recipe(),
    "accounts:sign_in_code": Recipe(),
    "accounts:two_factor": Recipe(),
    "accounts:two_factor_set_up": Recipe(),
    "accounts:two_factor_recovery_codes": Recipe(),
    "accounts:two_factor_turn_off": Recipe(),
    "invitation_accept": Recipe(url=lambda demo: invitation_link(demo, "newcomer@example.org")),
    "accounts:organisation": Recipe(),
    "accounts:audit_log": Recipe(),
    "projects:list": Recipe(),
    "projects:create": Recipe(),
    "projects:detail": Recipe(website),
    "project_history": Recipe(website),
    "projects:edit": Recipe(website),
    "projects:members": Recipe(website),
    "projects:member_invite": Recipe(website),
    "projects:member_change": Recipe(amira_in_the_website_group),
    "projects:member_remove": Recipe(amira_in_the_website_group),
    "projects:member_access": Recipe(amira_in_the_website_group),
    "people:me": Recipe(),
    "people:details": Recipe(),
    "people:access": Recipe(),
    "people:preferences": Recipe(),
    "privacy:privacy_notice": Recipe(),
    "privacy:consent": Recipe(),
    "privacy:data_export": Recipe(),
    "privacy:erasure_request": Recipe(),
    "privacy:privacy_notice_publish": Recipe(),
    "privacy:erasure_requests": Recipe(),
    "privacy:erasure_decide": Recipe(olus_erasure_request),
    "privacy:mention_redact": Recipe(url=lambda demo: olus_mention(demo)),
    "projects:onboarding": Recipe(website),
    "projects:onboarding_member": Recipe(amira_in_the_website_group),
    "projects:onboarding_welcome": Recipe(amira_in_the_website_group),
    "projects:equality_form": Recipe(website),
    "projects:equality_summary": Recipe(website),
    "projects:skills": Recipe(website),
    "projects:skill_offers": Recipe(website),
    "projects:skill_add": Recipe(website),
    "projects:skill_edit": Recipe(plain_english_editing),
    "projects:skill_remove": Recipe(plain_english_editing),
    "projects:stakeholders": Recipe(website),
    "projects:stakeholder_add": Recipe(website),
    "projects:stakeholder_edit": Recipe(the_carers_centre),
    "projects:stakeholder_remove": Recipe(the_carers_centre),
    "projects:plan": Recipe(website),
    "projects:outcome_add": Recipe(website),
    "projects:outcome_edit": Recipe(the_websites_first_outcome),
    "projects:outcome_task_add": Recipe(the_websites_first_outcome),
    "projects:outcome_task_edit": Recipe(the_websites_first_task),
    "projects:work_plan": Recipe(website),
    "projects:work_plan_timeline": Recipe(website),
    "projects:milestone_add": Recipe(website),
    "projects:milestone_edit": Recipe(the_websites_first_milestone),
    "projects:phases": Recipe(website),
    "projects:phase_add": Recipe(website),
    "projects:phase_edit": Recipe(the_websites_first_phase),
    "projects:membership_pause": Recipe(website),
    "projects:membership_come_back": Recipe(website),
    "projects:themes": Recipe(website),
    "projects:theme_add": Recipe(website),
    "projects:theme_edit": Recipe(the_websites_first_theme),
    "projects:theme_rank": Recipe(website),
    "projects:theme_ranking_state": Recipe(website),
    "projects:coproduction_meaning": Recipe(website),
    "projects:coproduction_meaning_read": Recipe(website),
    "projects:coproduction_meaning_edit": Recipe(website),
    "projects:ground_rules": Recipe(website),
    "projects:ground_rules_draft": Recipe(website),
    "projects:ground_rules_adopt": Recipe(website),
    "projects:ground_rules_agree": Recipe(website),
    "projects:ground_rules_versions": Recipe(website),
    "projects:expectations": Recipe(website),
    "projects:expectation_record": Recipe(website),
    "projects:frustration_add": Recipe(website),
    "projects:frustration_respond": Recipe(the_websites_first_frustration),
    "projects:invitation_resend": Recipe(nadia_invited_to_the_employment_group),
    "projects:invitation_withdraw": Recipe(nadia_invited_to_the_employment_group),
    # Recruitment
    "recruitment:calls": Recipe(website),
    "recruitment:call_add": Recipe(website),
    "recruitment:call_detail": Recipe(the_employment_call),
    "recruitment:call_edit": Recipe(the_employment_call),
    "recruitment:call_close": Recipe(the_employment_call),
    "recruitment:call_reopen": Recipe(the_employment_call),
    "recruitment:call_panel": Recipe(the_employment_call),
    "recruitment:call_questions": Recipe(the_employment_call),
    "recruitment:call_question_add": Recipe(the_employment_call),
    "recruitment:call_question_edit": Recipe(lambda demo: an_employment_call_question(demo, 1)),
    "recruitment:call_question_remove": Recipe(lambda demo: an_employment_call_question(demo, 4)),
    "recruitment:call_question_move": Recipe(lambda demo: an_employment_call_question(demo, 2)),
    "recruitment:application_enter": Recipe(the_employment_call),
    "recruitment:application_detail": Recipe(
        lambda demo: an_employment_application(demo, "Joseph Mensah")
    ),
    "recruitment:application_assess": Recipe(
        lambda demo: an_employment_application(demo, "Joseph Mensah")
    ),
    "recruitment:application_move": Recipe(
        lambda demo: an_employment_application(demo, "Joseph Mensah")
    ),
    "recruitment:application_letter": Recipe(
        lambda demo: an_employment_application(demo, "Aisha Begum")
    ),
    "recruitment:apply": Recipe(the_employment_call_to_apply_to),
    # Meetings: planning
    "meetings:list": Recipe(plan_pages.website_project),
    "meetings:detail": Recipe(plan_pages.upcoming_meeting),
    "meetings:create": Recipe(plan_pages.website_project),
    "meetings:edit": Recipe(plan_pages.upcoming_meeting),
    "meetings:cancel": Recipe(plan_pages.upcoming_meeting),
    "meetings:venues": Recipe(),
    "meetings:venue_add": Recipe(),
    "meetings:venue_edit": Recipe(plan_pages.the_old_library),
    "meetings:venue_retire": Recipe(plan_pages.the_old_library),
    "meetings:venue_restore": Recipe(plan_pages.the_old_library),
    "meetings:date_poll": Recipe(plan_pages.spring_planning_day),
    "meetings:date_option_add": Recipe(plan_pages.spring_planning_day),
    "meetings:date_option_remove": Recipe(plan_pages.a_spring_date),
    "meetings:date_choose": Recipe(plan_pages.a_spring_date),
    # Meetings: access plan
    "meetings:access_plan": Recipe(pages_access_plan.meeting),
    "meetings:access_plan_people": Recipe(pages_access_plan.meeting),
    "meetings:mark_ready": Recipe(pages_access_plan.meeting),
    "meetings:back_to_planning": Recipe(pages_access_plan.meeting),
    "meetings:arrangement_add": Recipe(pages_access_plan.meeting),
    "meetings:arrangement_edit": Recipe(pages_access_plan.a_requested_booking),
    "meetings:arrangement_remove": Recipe(pages_access_plan.a_requested_booking),
    "meetings:unmet_reason": Recipe(lambda demo: pages_access_plan.need(demo, "bsl-interpreter")),
    "meetings:unmet_reason_remove": Recipe(lambda demo: pages_access_plan.need(demo, "quiet-room")),
    # Meetings: preparation
    "meetings:agenda": Recipe(prep_pages.upcoming_meeting),
    "meetings:agenda_item_add": Recipe(prep_pages.upcoming_meeting),
    "meetings:agenda_item_edit": Recipe(prep_pages.an_upcoming_item),
    "meetings:agenda_item_remove": Recipe(prep_pages.an_upcoming_item),
    "meetings:agenda_item_move": Recipe(prep_pages.an_upcoming_item),
    "meetings:papers": Recipe(prep_pages.upcoming_meeting),
    "meetings:paper_add": Recipe(prep_pages.upcoming_meeting),
    "meetings:paper_edit": Recipe(prep_pages.an_upcoming_paper),
    "meetings:paper_remove": Recipe(prep_pages.an_upcoming_paper),
    "meetings:paper_version_add": Recipe(prep_pages.an_upcoming_paper),
    "meetings:paper_version_remove": Recipe(prep_pages.an_easy_read_version),
    "meetings:paper_download": Recipe(prep_pages.an_easy_read_version),
    "meetings:paper_notice_told": Recipe(prep_pages.a_notice_to_phone),
    "meetings:papers_report": Recipe(prep_pages.website_project),
    "meetings:calendar": Recipe(prep_pages.upcoming_meeting),
    "meetings:invitations": Recipe(prep_pages.upcoming_meeting),
    "meetings:invitee_add": Recipe(prep_pages.upcoming_meeting),
    "meetings:invitee_remove": Recipe(prep_pages.colins_invitation),
    "meetings:invitations_send": Recipe(prep_pages.upcoming_meeting),
    "meetings:invitation_resend": Recipe(prep_pages.colins_invitation),
    "meetings:reply": Recipe(prep_pages.upcoming_meeting),
    "meetings:advance_input": Recipe(prep_pages.upcoming_meeting),
    # Meetings: record
    "meetings:record": Recipe(pages_record.meeting),
    "meetings:attendance": Recipe(pages_record.meeting),
    "meetings:attendees_add": Recipe(pages_record.meeting),
    "meetings:minutes_edit": Recipe(pages_record.meeting),
    "meetings:minutes_versions": Recipe(pages_record.planning_meeting),
    "meetings:minutes_version": Recipe(pages_record.minutes_version),
    "meetings:decision_add": Recipe(pages_record.meeting),
    "meetings:decision_edit": Recipe(pages_record.decision),
    "meetings:decision_remove": Recipe(pages_record.decision),
    "meetings:action_add": Recipe(pages_record.meeting),
    "meetings:action_edit": Recipe(pages_record.action),
    "meetings:action_remove": Recipe(pages_record.action),
    "meetings:action_done": Recipe(pages_record.action),
    "meetings:contributions": Recipe(pages_record.meeting),
    "meetings:contributions_item": Recipe(pages_record.item),
    "meetings:contributions_live": Recipe(pages_record.item),
    "meetings:contribution_count": Recipe(pages_record.item),
    "meetings:equal_voice": Recipe(pages_record.meeting),
    "meetings:project_equal_voice": Recipe(pages_record.project),
    # Meetings: after
    "meetings:close": Recipe(pages_after.not_started),
    "meetings:cooling_off": Recipe(pages_after.cooling_off),
    "meetings:cooling_off_consider": Recipe(pages_after.thought_to_answer),
    "meetings:minutes_approve": Recipe(pages_after.cooling_off),
    "meetings:check": Recipe(pages_after.cooling_off),
    "meetings:check_answers": Recipe(pages_after.planning_the_website),
    "meetings:project_checks": Recipe(pages_after.the_website_group),
    # Decisions
    "decisions:proposals": Recipe(dec.website),
    "decisions:proposal_add": Recipe(dec.website),
    "decisions:proposal_detail": Recipe(dec.proposal),
    "decisions:proposal_edit": Recipe(dec.the_draft),
    "decisions:proposal_comment": Recipe(dec.proposal),
    "decisions:proposal_move": Recipe(dec.responding),
    "decisions:proposal_versions": Recipe(lambda demo: dec.proposal(demo, dec.AGREED)),
    "decisions:decision_log": Recipe(dec.website),
    "decisions:decision_log_csv": Recipe(dec.website),
    "decisions:decision_add": Recipe(dec.website),
    "decisions:decision_detail": Recipe(dec.decision),
    "decisions:decision_edit": Recipe(dec.decision),
    "decisions:decision_respond": Recipe(dec.decision),
    "decisions:response_record": Recipe(dec.decision),
    "decisions:decision_close": Recipe(dec.decision),
    "decisions:actions": Recipe(dec.website),
    "decisions:action_add": Recipe(dec.website),
    "decisions:barriers": Recipe(dec.website),
    "decisions:barriers_to_agenda": Recipe(dec.website),
    "decisions:actions_remind": Recipe(dec.website),
    "decisions:action_status": Recipe(dec.blocked_action),
    "decisions:action_edit": Recipe(dec.blocked_action),
    "decisions:action_remove": Recipe(dec.blocked_action),
    "decisions:action_point_status": Recipe(dec.an_action_point),
    "decisions:public_page": Recipe(dec.website),
    "decisions:public_manage": Recipe(dec.website),
    "decisions:entry_add": Recipe(dec.website),
    "decisions:entry_edit": Recipe(dec.an_entry),
    "decisions:entry_helpful": Recipe(dec.helpful),
    "decisions:subscribe": Recipe(dec.website),
    "decisions:subscription_confirm": Recipe(dec.confirm_token),
    "decisions:unsubscribe": Recipe(dec.unsubscribe_token),
    "decisions:credit": Recipe(dec.amiras_credit),
    # Payments
    "payments:mine": Recipe(),
    "payments:choice": Recipe(),
    "payments:involvement_add": Recipe(),
    "payments:involvement_confirm": Recipe(pay_pages.amiras_next_meeting_to_log),
    "payments:involvement_edit": Recipe(pay_pages.deborahs_entry),
    "payments:involvement_remove": Recipe(pay_pages.deborahs_entry),
    "payments:expense_add": Recipe(),
    "payments:expense_edit": Recipe(pay_pages.deborahs_expense),
    "payments:expense_remove": Recipe(pay_pages.deborahs_expense),
    "payments:receipt": Recipe(pay_pages.colins_receipt),
    "payments:claim_new": Recipe(),
    "payments:claim_detail": Recipe(pay_pages.colins_claim),
    "payments:claim_approve": Recipe(pay_pages.colins_claim),
    "payments:claim_query": Recipe(pay_pages.colins_claim),
    "payments:claim_answer": Recipe(pay_pages.deborahs_queried_claim),
    "payments:claim_withdraw": Recipe(pay_pages.deborahs_queried_claim),
    "payments:statement": Recipe(),
    "payments:statement_pdf": Recipe(),
    "payments:project_claims": Recipe(website),
    "payments:claim_on_behalf": Recipe(website),
    "payments:finance": Recipe(),
    "payments:rates": Recipe(),
    "payments:run_new": Recipe(),
    "payments:run_detail": Recipe(pay_pages.the_paid_run),
    "payments:run_summary": Recipe(pay_pages.the_paid_run),
    "payments:run_export": Recipe(pay_pages.the_paid_run),
    "payments:run_paid": Recipe(pay_pages.the_paid_run),
    "payments:person_details": Recipe(pay_pages.amira),
    "admin:index": Recipe(),
}

# States of pages that the URL patterns alone do not reach.
EXTRA_PAGES: dict[str, Callable[[Demo], str]] = {
    "invitation for someone who already has an account": lambda demo: invitation_link(
        demo, "olu@example.org"
    ),
    "withdrawn invitation": lambda demo: invitation_link(
        demo, "withdrawn@example.org", withdrawn_at=timezone.now()
    ),
    "member search with no match": lambda demo: (
        reverse("projects:members", kwargs=website(demo)) + "?q=nobody-has-this-name"
    ),
    "project search": lambda demo: reverse("projects:list") + "?q=website",
    "what to do next, for one group": lambda demo: reverse("home") + f"?group={demo.website.pk}",
    "audit log search": lambda demo: reverse("accounts:audit_log") + "?q=joined",
    "withdrawing an invitation to the website group, which its chair leads": lambda demo: (
        withdraw_page(demo, "pending@example.org")
    ),
    "applications at one stage, searched": lambda demo: (
        reverse("recruitment:call_detail", kwargs=the_employment_call(demo))
        + "?status=shortlisted&q=jo"
    ),
    "an application accepted, with the invitation button": lambda demo: reverse(
        "recruitment:application_detail", kwargs=an_employment_application(demo, "Mei Lin")
    ),
    "a letter already sent": lambda demo: reverse(
        "recruitment:application_letter", kwargs=an_employment_application(demo, "Ruth Evans")
    ),
    "an application at its last stage": lambda demo: reverse(
        "recruitment:application_move", kwargs=an_employment_application(demo, "Sofia Rossi")
    ),
    "a question people have answered, which cannot be removed": lambda demo: reverse(
        "recruitment:call_question_remove", kwargs=an_employment_call_question(demo, 1)
    ),
    # Meetings: extra pages
    "the page of a meeting still finding its date": plan_pages.spring_meeting_page,
    "the page of a meeting already held": plan_pages.held_meeting_page,
    "venues searched by name": plan_pages.venue_search,
    "choosing a date too soon for papers": plan_pages.a_spring_date_too_soon_for_papers,
    "papers with who was told about a late paper": prep_pages.papers_with_people_told,
    "the record of a meeting three weeks ago": lambda demo: reverse(
        "meetings:record", kwargs=pages_record.planning_meeting(demo)
    ),
    "the register of a meeting not yet held": lambda demo: reverse(
        "meetings:attendance", kwargs=pages_record.upcoming_meeting(demo)
    ),
    "the first version of the minutes": lambda demo: reverse(
        "meetings:minutes_version", kwargs=pages_record.minutes_version(demo, 1)
    ),
    "counting who speaks at a meeting not yet held": lambda demo: reverse(
        "meetings:contributions_live", kwargs=prep_pages.an_upcoming_item(demo)
    ),
    "equal voice at a meeting three weeks ago": lambda demo: reverse(
        "meetings:equal_voice", kwargs=pages_record.planning_meeting(demo)
    ),
    "after a meeting whose window has closed": pages_after.window_closed,
    "further thoughts already answered": pages_after.thought_answered,
    "approving minutes once the window has closed": pages_after.minutes_past_the_window,
    "an after-meeting check already answered": pages_after.check_already_answered,
    "the access plan of a meeting already held": lambda demo: reverse(
        "meetings:access_plan", kwargs=pages_access_plan.meeting(demo, pages_access_plan.HELD)
    ),
    # Decisions: the states the URL patterns alone do not reach
    "a draft proposal": lambda demo: reverse(
        "decisions:proposal_detail", kwargs=dec.the_draft(demo)
    ),
    "a proposal not agreed": lambda demo: reverse(
        "decisions:proposal_detail", kwargs=dec.proposal(demo, dec.NOT_AGREED)
    ),
    "a proposal being put in place": lambda demo: reverse(
        "decisions:proposal_detail", kwargs=dec.proposal(demo, dec.AGREED)
    ),
    "agreeing a proposal": lambda demo: dec.moving(demo, dec.NOT_AGREED, "agreed"),
    "revising a proposal": lambda demo: dec.moving(demo, dec.OPEN, "revised"),
    "opening a draft for comment": lambda demo: dec.moving(demo, dec.DRAFT, "open"),
    "marking a proposal done": lambda demo: dec.moving(demo, dec.AGREED, "done"),
    "two versions compared": lambda demo: (
        reverse("decisions:proposal_versions", kwargs=dec.proposal(demo, dec.AGREED)) + "?a=1&b=4"
    ),
    "a consensus decision at a meeting, still provisional": lambda demo: reverse(
        "decisions:decision_detail", kwargs=dec.consensus_at_the_meeting(demo)
    ),
    "a vote whose outcome is recorded": lambda demo: reverse(
        "decisions:decision_detail", kwargs=dec.the_vote(demo)
    ),
    "answering a vote that has closed": lambda demo: reverse(
        "decisions:decision_respond", kwargs=dec.the_vote(demo)
    ),
    "recording an outcome already recorded": lambda demo: reverse(
        "decisions:decision_close", kwargs=dec.the_vote(demo)
    ),
    "the decision log filtered by two themes": dec.log_by_two_themes,
    "the decision log filtered": lambda demo: (
        reverse("decisions:decision_log", kwargs=dec.website(demo))
        + "?method=consent&status=open&q=easy"
    ),
    "overdue actions": lambda demo: (
        reverse("decisions:actions", kwargs=dec.website(demo)) + "?overdue=yes"
    ),
    "a link to confirm that no longer works": lambda demo: reverse(
        "decisions:subscription_confirm", kwargs={"token": "no-such-token"}
    ),
    # Payments: extra pages
    "a paid claim": pay_pages.amiras_paid_claim_page,
    "a claim sent back with a question": pay_pages.deborahs_claim_page,
    "claims approved and waiting to be paid": lambda demo: (
        reverse("payments:project_claims", kwargs=website(demo)) + "?status=approved"
    ),
    "last tax year's statement": lambda demo: (
        reverse("payments:statement") + "?period=last_tax_year"
    ),
    "page that does not exist": lambda demo: "/no-such-page/",
    "your data as a web page": lambda demo: reverse("privacy:data_export") + "?format=html",
}


def url_names(patterns: list[URLPattern | URLResolver], namespace: str = "") -> list[str]:
    names: list[str] = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names += url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.append(namespace + pattern.name)
    return names


def pages_to_check(demo: Demo, persona: str) -> list[str]:
    """Every named URL outside Django's admin (its front page for the administrator)."""
    names = sorted(set(url_names(get_resolver().url_patterns)))
    missing = [name for name in names if name not in RECIPES and not name.startswith("admin:")]
    assert not missing, f"Say how to fill these URLs in RECIPES: {missing}"
    stale = sorted(RECIPES.keys() - set(names))
    assert not stale, f"These URLs are gone; remove them from RECIPES: {stale}"
    paths = [
        RECIPES[name].path(name, demo)
        for name in names
        if not name.startswith("admin:") or (name == "admin:index" and persona == "administrator")
    ]
    return paths + [page(demo) for page in EXTRA_PAGES.values()]


HIDDEN_VALUE = re.compile(r'(<input type="hidden"[^>]* value=")[^"]*"')
NEXT_ADDRESS = re.compile(r"([?&]next=)[^\"&]*")


def markup_of(html: str) -> str:
    """The page's HTML without what only changes where it leads afterwards: the values of
    hidden inputs (CSRF tokens, `next`) and `next` addresses in links and form actions."""
    return NEXT_ADDRESS.sub(r"\1", HIDDEN_VALUE.sub(r'\1"', html))


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    pages_checked: int = 0
    # Pages already checked, by their markup: the same markup gets the same results, and
    # many addresses share one (every project page an outsider tries is the same 404).
    markup_checked: set[str] = field(default_factory=set)

    def check(self, page: Page, persona: str, what: str) -> None:
        self.pages_checked += 1
        if violations := axe_violations(page):
            self.problems.append(
                f"{page.url} as {persona} ({what}):\n{describe_violations(violations)}"
            )
        viewport = page.viewport_size
        if viewport and viewport["width"] <= NARROW["width"]:
            # axe cannot see this one: WCAG 1.4.10, content reflows without sideways scrolling.
            scroll_width, width = page.evaluate(
                "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if scroll_width > width:
                self.problems.append(
                    f"{page.url} as {persona} ({what}): the page is {scroll_width} px wide in a "
                    f"{width} px window, so it scrolls sideways"
                )


def visit_every_page(page: Page, demo: Demo, persona: str, findings: Findings) -> None:
    """Open each page in the browser and run axe, unless its markup was already checked.

    Django's test client finds out first, in a few milliseconds, where each address leads
    and what it shows, so the browser only opens pages it has not seen.
    """
    client = Client()
    if user := demo.user(persona):
        client.force_login(user)
    for path in pages_to_check(demo, persona):
        response = client.get(path, follow=True)
        status = response.status_code
        if status >= 500:
            findings.problems.append(f"{path} as {persona}: the server answered {status}")
        if status not in CHECKED_STATUSES or "text/html" not in response.get("Content-Type", ""):
            continue
        markup = markup_of(response.content.decode())
        if markup in findings.markup_checked:
            continue
        findings.markup_checked.add(markup)
        landed_on = response.redirect_chain[-1][0] if response.redirect_chain else path
        browser_response = page.goto(landed_on)
        assert browser_response is not None
        assert browser_response.status == status, f"{landed_on} as {persona}"
        findings.check(page, persona, f"GET {path} answered {status}")


@dataclass
class FormCheck:
    persona: str
    path: Callable[[Demo], str]


FORMS: dict[str, FormCheck] = {
    "sign in": FormCheck(ANONYMOUS, lambda demo: reverse("accounts:sign_in")),
    "ask for a password reset": FormCheck(
        ANONYMOUS, lambda demo: reverse("accounts:password_reset")
    ),
    "set up an account from an invitation": FormCheck(
        ANONYMOUS, lambda demo: invitation_link(demo, "another.newcomer@example.org")
    ),
    "change password": FormCheck("member", lambda demo: reverse("accounts:password_change")),
    "invite a member": FormCheck(
        "chair", lambda demo: reverse("projects:member_invite", kwargs=website(demo))
    ),
    "edit a project": FormCheck(
        "chair", lambda demo: reverse("projects:edit", kwargs=website(demo))
    ),
    "set up a project": FormCheck("coordinator", lambda demo: reverse("projects:create")),
    "set up two-step sign-in": FormCheck(
        "coordinator", lambda demo: reverse("accounts:two_factor_set_up")
    ),
    "organisation settings": FormCheck(
        "administrator", lambda demo: reverse("accounts:organisation")
    ),
    "your details": FormCheck("member", lambda demo: reverse("people:details")),
    # Deborah has not chosen any way to be contacted yet, so saving as it is fails.
    "how we contact you": FormCheck("chair", lambda demo: reverse("people:preferences")),
    "publish a new privacy notice": FormCheck(
        "administrator", lambda demo: reverse("privacy:privacy_notice_publish")
    ),
    "decide on a request to delete data": FormCheck(
        "administrator",
        lambda demo: reverse("privacy:erasure_decide", kwargs=olus_erasure_request(demo)),
    ),
    "apply to a call for members": FormCheck(
        ANONYMOUS,
        lambda demo: reverse("recruitment:apply", kwargs=the_employment_call_to_apply_to(demo)),
    ),
    "open a call for members": FormCheck(
        "coordinator", lambda demo: reverse("recruitment:call_add", kwargs=website(demo))
    ),
    "change a call for members": FormCheck(
        "coordinator",
        lambda demo: reverse("recruitment:call_edit", kwargs=the_employment_call(demo)),
    ),
    "add a question to a call": FormCheck(
        "coordinator",
        lambda demo: reverse("recruitment:call_question_add", kwargs=the_employment_call(demo)),
    ),
    "move an application on": FormCheck(
        "coordinator",
        lambda demo: reverse(
            "recruitment:application_move", kwargs=an_employment_application(demo, "Joseph Mensah")
        ),
    ),
    "write a letter to an applicant": FormCheck(
        "coordinator",
        lambda demo: reverse(
            "recruitment:application_letter", kwargs=an_employment_application(demo, "Aisha Begum")
        ),
    ),
    "score an application": FormCheck(
        "coordinator",
        lambda demo: reverse(
            "recruitment:application_assess", kwargs=an_employment_application(demo, "Tomasz Nowak")
        ),
    ),
    "draft a proposal": FormCheck(
        "member", lambda demo: reverse("decisions:proposal_add", kwargs=dec.website(demo))
    ),
    "respond to a proposal": FormCheck(
        "chair", lambda demo: reverse("decisions:proposal_move", kwargs=dec.responding(demo))
    ),
    "ask the group to decide": FormCheck(
        "chair", lambda demo: reverse("decisions:decision_add", kwargs=dec.website(demo))
    ),
    "answer a decision": FormCheck(
        "member", lambda demo: reverse("decisions:decision_respond", kwargs=dec.decision(demo))
    ),
    "enter someone's answer": FormCheck(
        "chair", lambda demo: reverse("decisions:response_record", kwargs=dec.decision(demo))
    ),
    "add an action between meetings": FormCheck(
        "chair", lambda demo: reverse("decisions:action_add", kwargs=dec.website(demo))
    ),
    "change an action between meetings": FormCheck(
        "chair", lambda demo: reverse("decisions:action_edit", kwargs=dec.blocked_action(demo))
    ),
    "record the outcome of a decision on a proposal": FormCheck(
        "chair", dec.closing_a_decision_on_a_responded_proposal
    ),
    "add a you said, we did entry": FormCheck(
        "chair", lambda demo: reverse("decisions:entry_add", kwargs=dec.website(demo))
    ),
    "subscribe by email": FormCheck(
        ANONYMOUS, lambda demo: reverse("decisions:subscribe", kwargs=dec.website(demo))
    ),
    "add a milestone": FormCheck(
        "chair", lambda demo: reverse("projects:milestone_add", kwargs=website(demo))
    ),
    "change a phase": FormCheck(
        "chair", lambda demo: reverse("projects:phase_edit", kwargs=the_websites_first_phase(demo))
    ),
    "suggest a ground rule": FormCheck(
        "member", lambda demo: reverse("projects:ground_rules_draft", kwargs=website(demo))
    ),
    "say what you expect": FormCheck(
        "member", lambda demo: reverse("projects:expectation_record", kwargs=website(demo))
    ),
    "note a frustration": FormCheck(
        "member", lambda demo: reverse("projects:frustration_add", kwargs=website(demo))
    ),
    "respond to a frustration": FormCheck(
        "chair",
        lambda demo: reverse(
            "projects:frustration_respond", kwargs=the_websites_first_frustration(demo)
        ),
    ),
    "how you are paid": FormCheck("member", lambda demo: reverse("payments:choice")),
    "log something you did": FormCheck("member", lambda demo: reverse("payments:involvement_add")),
    "add an expense": FormCheck("member", lambda demo: reverse("payments:expense_add")),
    "make a claim for a member": FormCheck(
        "coordinator", lambda demo: reverse("payments:claim_on_behalf", kwargs=website(demo))
    ),
    "send a claim back with a question": FormCheck(
        "chair", lambda demo: reverse("payments:claim_query", kwargs=pay_pages.colins_claim(demo))
    ),
    "add a rate": FormCheck("finance", lambda demo: reverse("payments:rates")),
    "make a payment run": FormCheck("finance", lambda demo: reverse("payments:run_new")),
    "why you need to see payment details": FormCheck(
        "finance", lambda demo: reverse("payments:person_details", kwargs=pay_pages.amira(demo))
    ),
    "why you need to see access requirements": FormCheck(
        "coordinator",
        lambda demo: reverse("projects:member_access", kwargs=amira_in_the_website_group(demo)),
    ),
}


def submit_empty(page: Page) -> None:
    """Empty every field that can be typed in, even those that come filled in, and submit."""
    form = page.locator("main form[method=post]").first
    fields = form.locator(
        "input[type=text], input[type=email], input[type=tel], input[type=password], "
        "input[type=number], input[type=search], input:not([type]), textarea"
    )
    for index in range(fields.count()):
        fields.nth(index).fill("")
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()


def check_two_step_sign_in(grace: Page, anonymous: Page, findings: Findings) -> None:
    """The pages of two-step sign-in that only exist once it is set up, or mid-sign-in."""
    grace.goto(reverse("accounts:two_factor_set_up"))
    secret = grace.locator("#secret").inner_text().replace(" ", "")
    grace.get_by_label("Code from your authenticator app").fill(pyotp.TOTP(secret).now())
    with grace.expect_navigation():
        grace.get_by_role("button", name="Turn on two-step sign-in").click()
    findings.check(grace, "coordinator", "the recovery codes, shown once")
    grace.goto(reverse("accounts:two_factor"))
    findings.check(grace, "coordinator", "two-step sign-in settings, when it is on")
    grace.goto(reverse("accounts:two_factor_turn_off"))
    findings.check(grace, "coordinator", "turning two-step sign-in off")

    anonymous.goto(reverse("accounts:sign_in"))
    anonymous.get_by_label("Email address").fill("grace@example.org")
    anonymous.get_by_label("Password").fill(DEMO_PASSWORD)
    with anonymous.expect_navigation():
        anonymous.get_by_role("button", name="Sign in").click()
    findings.check(anonymous, "coordinator", "the second step of signing in")
    submit_empty(anonymous)
    findings.check(anonymous, "coordinator", "the second step of signing in, submitted empty")
    anonymous.goto(reverse("accounts:sign_in_code") + "?with=recovery")
    findings.check(anonymous, "coordinator", "signing in with a recovery code")


def test_it_has_no_axe_violations_on_any_page_for_any_persona(
    demo: Demo, open_page: OpenPage
) -> None:
    findings = Findings()
    pages: dict[str, Page] = {}
    for persona in BROWSER_PERSONAS:
        pages[persona] = open_page(persona, with_axe=True)
        visit_every_page(pages[persona], demo, persona, findings)

    for what, check in FORMS.items():
        page = pages[check.persona]
        page.goto(check.path(demo))
        submit_empty(page)
        error_summary = page.locator(".govuk-error-summary")
        if error_summary.count() == 0:
            findings.problems.append(f"{page.url}: submitting {what} empty showed no errors")
        findings.check(page, check.persona, f"{what}, submitted empty")

    # A page showing the banner that confirms something was done.
    page = pages["chair"]
    page.goto(reverse("projects:member_invite", kwargs=website(demo)))
    page.get_by_label("Email address").fill("new.member@example.org")
    page.get_by_label("Their name").fill("Ngozi Obi")
    page.get_by_label("Carer", exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the invitation").click()
    findings.check(page, "chair", "members page with the invitation-sent banner")

    # The check before a letter goes to an applicant.
    page = pages["coordinator"]
    page.goto(
        reverse(
            "recruitment:application_letter", kwargs=an_employment_application(demo, "Aisha Begum")
        )
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Preview the letter").click()
    findings.check(page, "coordinator", "the letter to an applicant, before it is sent")

    check_two_step_sign_in(pages["coordinator"], pages[ANONYMOUS], findings)

    assert findings.pages_checked > 60, "Fewer pages were checked than the demo has"
    assert not findings.problems, (
        f"{len(findings.problems)} of {findings.pages_checked} pages have problems:\n\n"
        + "\n\n".join(findings.problems)
    )


def test_it_has_no_axe_violations_and_no_sideways_scrolling_on_a_narrow_screen(
    demo: Demo, open_page: OpenPage
) -> None:
    findings = Findings()
    # Between them these three see every kind of page; the others see fewer.
    for persona in [ANONYMOUS, "chair", "administrator"]:
        page = open_page(persona, with_axe=True, viewport=NARROW)
        visit_every_page(page, demo, persona, findings)

    assert findings.pages_checked > 30, "Fewer pages were checked than the demo has"
    assert not findings.problems, (
        f"{len(findings.problems)} of {findings.pages_checked} pages have problems at "
        f"{NARROW['width']} px wide:\n\n" + "\n\n".join(findings.problems)
    )


def test_it_has_no_axe_violations_for_a_selection_panel_member_who_does_not_lead(
    demo: Demo, open_page: OpenPage
) -> None:
    """Kwame sits on the employment group's panel without leading it, so he sees calls and
    applications in a way none of the personas above does."""
    findings = Findings()
    page = open_page("panel_member", with_axe=True)
    for path in [
        reverse("projects:detail", kwargs={"pk": demo.employment.pk}),
        reverse("recruitment:call_detail", kwargs=the_employment_call(demo)),
        reverse(
            "recruitment:application_detail",
            kwargs=an_employment_application(demo, "Joseph Mensah"),
        ),
        reverse(
            "recruitment:application_assess",
            kwargs=an_employment_application(demo, "Joseph Mensah"),
        ),
    ]:
        response = page.goto(path)
        assert response is not None
        assert response.status == 200, path
        findings.check(page, "panel member", f"GET {path}")
    page.goto(
        reverse(
            "recruitment:application_assess", kwargs=an_employment_application(demo, "Tomasz Nowak")
        )
    )
    submit_empty(page)
    assert page.locator(".govuk-error-summary").count() == 1
    findings.check(page, "panel member", "score an application, submitted empty")
    assert not findings.problems, "\n\n".join(findings.problems)


def test_it_has_no_axe_violations_on_the_history_page_in_each_of_its_states(
    demo: Demo, open_page: OpenPage
) -> None:
    """The walk above sees the history as it first opens; here it is filtered, refused and
    empty too, at full width and on a narrow screen."""
    findings = Findings()
    history = reverse("project_history", kwargs=website(demo))
    states = {
        "as it opens": history,
        "filtered to meetings and decisions": f"{history}?kind=meetings&kind=decisions",
        "with a date that is not real": f"{history}?from_day=31&from_month=2&from_year=2026",
        "with nothing matching": f"{history}?from_day=1&from_month=1&from_year=1990"
        "&to_day=2&to_month=1&to_year=1990",
    }
    for viewport in [None, NARROW]:
        page = open_page("member", with_axe=True, **({"viewport": viewport} if viewport else {}))
        for what, path in states.items():
            page.goto(path)
            findings.check(page, "member", f"the group's history, {what}")
    assert findings.pages_checked == 8
    assert not findings.problems, "\n\n".join(findings.problems)
