"""No silent overwrites: every form that changes a shared object refuses a stale save.

One test walks every model form in the project and fails when one that edits an existing
object carries no version; another walks the plain forms and fails on one not listed with how
it is protected or why it needs no version; the others show, for a few of them, two people
editing at once.
"""

import importlib
import pkgutil
import re
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse

from conftest import Cast, client_for
from coproduce.lib.concurrency import VersionedModelForm
from decisions.models import Action, Entry, PublicPage
from meetings.models import (
    ActionStatus,
    AgendaItem,
    Arrangement,
    ArrangementKind,
    Decision,
    Invitee,
    Paper,
    UnmetNeedReason,
)
from meetings.tests.access_helpers import meeting_with_unmet_loop, need_type
from meetings.tests.grid_record import held_meeting
from meetings.tests.preparation import a_meeting, a_paper, an_item, media  # noqa: F401
from projects.models import ProjectRole

# Forms that never change a shared object, each with why. Anything not listed here that is
# a model form must carry the version the person started from.
ALLOWED_WITHOUT_VERSION = {
    # Only create: changing the same object goes through the "...EditForm" beside it.
    "projects.forms.ProjectForm": "only starts a project; ProjectEditForm changes one",
    "projects.forms.StakeholderForm": "only adds a stakeholder; StakeholderEditForm changes one",
    "projects.forms.SkillForm": "only adds a skill; SkillEditForm changes one",
    "recruitment.forms.CallForm": "only opens a call; CallEditForm changes one",
    "recruitment.forms.CallQuestionForm": "only adds a question; CallQuestionEditForm changes one",
    "decisions.forms.ActionForm": "only adds an action; ActionEditForm changes one",
    "privacy.forms.PrivacyNoticeForm": (
        "only publishes a new notice: the old ones are kept unchanged, never edited"
    ),
    "privacy.forms.ErasureRequestForm": "only asks for an erasure; nobody edits the request",
    # A person's own single object: nobody else edits it.
    "people.forms.DetailsForm": "a person's own profile, edited only by them",
    "projects.forms.expectations.ExpectationForm": "a member's own expectation, only theirs",
    "projects.forms.expectations.FrustrationForm": "only notes one; the response form is versioned",
    "people.forms.PreferencesForm": "a person's own profile, edited only by them",
    "recruitment.forms.AssessmentForm": (
        "a panel member's own score of an application, one per assessor, edited only by them"
    ),
}

# Forms that are not model forms but change what several people may edit at once, and how
# each refuses a stale save instead of overwriting.
PROTECTED_OTHERWISE = {
    "meetings.forms.record.MinutesForm": "`based_on`: the minutes version it started from",
    "meetings.forms.record.ContributionsForm": "`seen`: the counts it started from",
    "meetings.forms.record.AttendanceForm": "`seen`: the register it started from",
    "decisions.forms.MoveForm": "`version` of the proposal it moves",
    "privacy.forms.ConsentForm": "`version` of the notice the person read",
    "decisions.forms.ActionStatusForm": "`version` of the action (or action point) it moves",
    "decisions.forms.PublicPageForm": '`version` of the "you said, we did" page settings',
    "projects.forms.OnboardingForm": "`version` of the membership whose checklist it ticks",
    # Payments
    "payments.forms.ClaimStepForm": "`version` of the claim: what the two below share",
    "payments.forms.QuestionForm": (
        "`version` of the claim the approver read, and `seen`, what the page showed of it"
    ),
    "payments.forms.AnswerForm": (
        "`version` of the claim whose question the person read, so an answer to a question "
        "asked again since is refused"
    ),
    # people, projects (pausing, ground rules), recruitment, privacy
    "projects.forms.rules.GroundRulesAdoptForm": (
        "`version` of the draft it adopts: a draft changed since the leader read it is refused"
    ),
    "recruitment.forms.PanelForm": "`seen`: the selection panel it started from",
    "recruitment.forms.ApplicationMoveForm": "`current`: the stage the application was at",
    "recruitment.forms.DecisionLetterForm": (
        "`step`: the step of the application the letter is about; sent once (conditional update); "
        "a letter that can no longer go stays on screen, with who sent one or moved it on"
    ),
    # meetings and decisions
    "meetings.forms.papers.PaperVersionForm": (
        "`seen`: the version of each format's file it started from, so an upload over a file "
        "someone else replaced meanwhile is refused"
    ),
    "decisions.forms.CloseForm": (
        "`version` of the decision, and `answers`: how many answers the outcome shown was "
        "worked out from"
    ),
}

# Plain forms (names ending in Form) that change no shared object already there, each with why.
PLAIN_WITHOUT_VERSION = {
    # A person's own account or sign-in: nobody else edits it.
    "accounts.forms.SignInForm": "signs a person in",
    "accounts.forms.PasswordResetForm": "only sends a reset link",
    "accounts.forms.SetPasswordForm": "a person's own password",
    "accounts.forms.PasswordChangeForm": "a person's own password",
    "accounts.forms.TwoFactorCodeForm": "checks a person's own sign-in code",
    "accounts.forms.TwoFactorSetUpForm": "a person's own second factor",
    "accounts.forms.RecoveryCodeForm": "checks a person's own recovery code",
    # Only reads.
    "projects.forms.MemberSearchForm": "only searches",
    "recruitment.forms.ApplicationSearchForm": "only searches",
    "meetings.forms.planning.VenueSearchForm": "only searches",
    "decisions.forms.LogFilterForm": "only filters the log",
    "decisions.forms.CompareForm": "only compares two versions",
    # Only adds.
    "payments.forms.RateForm": "only adds a rate from a date; earlier rates stay as they were",
    "payments.forms.RunForm": "only starts a payment run",
    "people.forms.ViewingPurposeForm": "only notes why someone looked at access needs",
    "payments.forms.DetailsPurposeForm": "only notes why someone looked at payment details",
    "projects.forms.InvitationForm": "only sends an invitation",
    "recruitment.forms.ApplicationForm": "only sends a new application",
    "recruitment.forms.EnteredApplicationForm": "only enters a new application",
    "meetings.forms.after.CoolingOffForm": "only adds a late thought",
    "meetings.forms.invitations.InviteesForm": "only adds invitees",
    "meetings.forms.planning.DateOptionForm": "only adds a date to choose from",
    "meetings.forms.record.AttendeesAddForm": "only adds people to the register",
    "decisions.forms.CommentForm": "only adds a comment",
    "decisions.forms.SubscribeForm": "only adds a subscriber",
    # A person's own answer: nobody else edits it.
    "projects.forms.AcceptInvitationForm": "the invitee's own invitation, used once",
    "projects.forms.EqualityForm": "a person's own equality answers",
    "projects.forms.SkillOffersForm": "a member's own skill offers",
    "projects.forms.themes.ThemeRankingForm": "a member's own ranking of the themes",
    "meetings.forms.invitations.ReplyForm": "an invitee's own reply",
    "meetings.forms.invitations.AdvanceInputForm": "an invitee's own input before the meeting",
    "meetings.forms.planning.DateAnswersForm": "a person's own answers about dates",
    "decisions.forms.ResponseForm": "a member's own response to a decision",
    "decisions.forms.CreditForm": "a person's own answer about showing their name",
    "payments.forms.PaymentChoiceForm": "a member's own choice about being paid",
    # Payments
    "payments.forms.InvolvementForm": (
        "only adds to a person's own log; a meeting is in it once (a constraint), and one "
        "logged from another tab since is refused on `activity`; the page's `submission_key` "
        "is unique on the entry, so the page sent twice adds one entry, refused on `activity`"
    ),
    "payments.forms.ExpenseForm": (
        "only adds an expense to a person's own list, in no claim; the page's `submission_key` "
        "is unique on the expense, so the page sent twice adds one, refused on `description`"
    ),
    "payments.forms.ClaimForm": (
        "only makes new claims; each activity or expense is in one claim only (a one-to-one "
        "line, locked), so claiming it again is refused on `items`, all groups or none"
    ),
    "payments.forms.StatementForm": "only reads: chooses the period of a statement",
    "payments.forms.OnBehalfForm": (
        "only adds an entry, an expense and the claim for them, all or nothing; the page's "
        "`submission_key` is unique on the claim, so the page sent twice makes one claim"
    ),
    # people, projects (pausing, ground rules), recruitment, privacy
    "people.forms.AccessForm": (
        "a person's own access needs, changed only on their own page: nobody else records them"
    ),
    "projects.forms.pausing.PauseForm": (
        "only adds a pause to the member's own membership; the database keeps one open, and "
        "pausing again says it is paused already"
    ),
    "privacy.forms.ErasureDecisionForm": (
        "decides a waiting request once: the service locks it, and a second administrator is "
        "told who decided it; nobody is emailed twice"
    ),
    "privacy.forms.MentionRedactForm": (
        "removes only the name, from the text as it is now, under a row lock (a versioned text "
        "moves on a version); doing it again says the text no longer names them"
    ),
    # meetings and decisions
    "meetings.forms.access.MarkReadyForm": (
        "a step done once: one conditional UPDATE from planning under a lock on the meeting; "
        "a second is told it is already ready"
    ),
    "meetings.forms.planning.CancelForm": (
        "a step done once: one conditional UPDATE on the status (Meeting.change_status); a "
        "second is told it was already cancelled, and nothing is sent twice"
    ),
    "meetings.forms.after.ConsiderForm": (
        "answers a thought once: a conditional UPDATE claims it; a second responder is told "
        "who answered, keeps what they wrote, and no second email goes"
    ),
    "meetings.forms.after.CheckForm": (
        "a person's own answers, once: one receipt per person (check_receipt_once)"
    ),
    "meetings.forms.record.ContributionCountForm": (
        "each press adds its own row, or takes back the person's latest under a lock on "
        "their place on the register: no stored total to overwrite"
    ),
    "decisions.forms.RecordResponseForm": (
        "only adds a person's one answer (response_once_per_person); whoever enters it for "
        "someone who answered meanwhile is told so by name"
    ),
}


def _project_form_modules() -> Iterator[ModuleType]:
    for app in apps.get_app_configs():
        if not app.path.startswith(str(settings.BASE_DIR)) or "site-packages" in app.path:
            continue  # Django's own and third-party apps
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        yield module
        for info in pkgutil.iter_modules(getattr(module, "__path__", [])):
            yield importlib.import_module(f"{module.__name__}.{info.name}")


def _model_forms() -> dict[str, type[forms.ModelForm[Any]]]:
    found: dict[str, type[forms.ModelForm[Any]]] = {}
    for module in _project_form_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.ModelForm)
                and value.__module__ == module.__name__
                and value._meta.model is not None  # an abstract base, like VersionedModelForm
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def _plain_forms() -> dict[str, type[forms.Form]]:
    found: dict[str, type[forms.Form]] = {}
    for module in _project_form_modules():
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, forms.Form)
                and not issubclass(value, forms.ModelForm)
                and value.__module__ == module.__name__
                and value.__name__.endswith("Form")
            ):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_it_knows_why_each_plain_form_is_safe() -> None:
    found = _plain_forms()
    assert "decisions.forms.ActionStatusForm" in found
    listed = set(PROTECTED_OTHERWISE) | set(PLAIN_WITHOUT_VERSION)
    assert sorted(set(found) - listed) == [], (
        "Protect these with a version, or allow-list them with why"
    )
    assert sorted(set(PLAIN_WITHOUT_VERSION) - set(found)) == []


@pytest.mark.parametrize("name", sorted(PROTECTED_OTHERWISE))
def test_it_finds_the_field_each_plain_form_is_protected_by(name: str) -> None:
    field = re.match(r"`(\w+)`", PROTECTED_OTHERWISE[name])
    assert field, name
    assert field.group(1) in _plain_forms()[name].base_fields


def _has_version(model: type[models.Model]) -> bool:
    return any(field.name == "version" for field in model._meta.concrete_fields)


def test_it_finds_the_forms_it_checks() -> None:
    found = _model_forms()
    assert "meetings.forms.agenda.AgendaItemForm" in found
    assert "projects.forms.plan.OutcomeForm" in found
    assert len(found) > 30


def test_it_finds_no_form_changing_a_shared_object_without_a_version() -> None:
    found = _model_forms()
    unprotected = []
    for name, form_class in sorted(found.items()):
        if name in ALLOWED_WITHOUT_VERSION:
            continue
        carries = "version" in form_class.base_fields or issubclass(form_class, VersionedModelForm)
        model = form_class._meta.model
        if not (carries and _has_version(model)):
            unprotected.append(f"{name} ({model.__name__})")
    assert unprotected == [], "Protect these with a version, or allow-list them with why"


def test_it_keeps_its_lists_to_forms_that_exist() -> None:
    found = _model_forms()
    assert sorted(set(ALLOWED_WITHOUT_VERSION) - set(found)) == []
    for name in PROTECTED_OTHERWISE:
        module_name, class_name = name.rsplit(".", 1)
        assert hasattr(importlib.import_module(module_name), class_name), name


# ---------------------------------------------------------------------------------------------
# Two people editing the same thing at once


def _version_on(client: Client, url: str) -> str:
    page = client.get(url).content.decode()
    match = re.search(r'<input type="hidden" name="version" value="(\d+)"', page)
    assert match, "the edit page carries the version it shows"
    return match.group(1)


def _both_save(
    first: Client, second: Client, url: str, mine: dict[str, Any], theirs: dict[str, Any]
) -> str:
    """Both open the page, the first saves, then the second: the second's page."""
    first_version, second_version = _version_on(first, url), _version_on(second, url)
    assert first.post(url, {**mine, "version": first_version}).status_code == 302
    response = second.post(url, {**theirs, "version": second_version})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Someone else saved changes to this page" in page
    return page


def test_it_keeps_the_first_change_to_an_agenda_item(cast: Cast) -> None:
    meeting = a_meeting(cast)
    item = an_item(meeting, "The draft crisis pages", 30)
    url = reverse("meetings:agenda_item_edit", args=[meeting.pk, item.pk])
    fields = {"purpose": "discussion", "minutes": "30"}

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {**fields, "title": "Crisis pages: first look"},
        {**fields, "title": "Crisis pages: what to change"},
    )

    assert "Crisis pages: what to change" in page
    assert "What is saved now is different from what you typed in: Title." in page
    assert AgendaItem.objects.get(pk=item.pk).title == "Crisis pages: first look"


def test_it_keeps_the_first_change_to_a_paper(cast: Cast, media: None) -> None:  # noqa: F811
    meeting = a_meeting(cast)
    paper = a_paper(meeting, "Crisis pages")
    url = reverse("meetings:paper_edit", args=[meeting.pk, paper.pk])

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {"title": "Crisis pages", "summary": "Read pages 1 to 4."},
        {"title": "Crisis pages", "summary": "Skip the appendix."},
    )

    assert "Skip the appendix." in page
    assert Paper.objects.get(pk=paper.pk).summary == "Read pages 1 to 4."


def test_it_keeps_the_first_change_to_a_support_booking(cast: Cast) -> None:
    meeting = a_meeting(cast)
    booking = Arrangement.objects.create(meeting=meeting, kind=ArrangementKind.BSL_INTERPRETER)
    url = reverse("meetings:arrangement_edit", args=[meeting.pk, booking.pk])

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {"kind": ArrangementKind.BSL_INTERPRETER, "detail": "Two interpreters from Signs Ltd"},
        {"kind": ArrangementKind.BSL_INTERPRETER, "detail": "One interpreter, morning only"},
    )

    assert "One interpreter, morning only" in page
    assert Arrangement.objects.get(pk=booking.pk).detail == "Two interpreters from Signs Ltd"


def test_it_keeps_the_first_change_to_a_recorded_decision(cast: Cast) -> None:
    meeting = held_meeting(cast)
    decision = Decision.objects.create(meeting=meeting, text="Test the pages with 5 people")
    url = reverse("meetings:decision_edit", args=[meeting.pk, decision.pk])

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {"text": "Test the pages with 8 people"},
        {"text": "Test the pages with 3 people"},
    )

    assert "Test the pages with 3 people" in page
    assert Decision.objects.get(pk=decision.pk).text == "Test the pages with 8 people"


def test_it_keeps_the_first_reason_a_need_cannot_be_met(cast: Cast) -> None:
    meeting = meeting_with_unmet_loop(cast)
    loop = need_type("hearing-loop")
    UnmetNeedReason.objects.create(
        meeting=meeting, need_type=loop, reason="Listed building.", offered_instead="Video."
    )
    url = reverse("meetings:unmet_reason", args=[meeting.pk, loop.pk])

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {"reason": "Listed building, no loop to borrow.", "offered_instead": "Video."},
        {"reason": "The loop is broken.", "offered_instead": "Video."},
    )

    assert "The loop is broken." in page
    assert UnmetNeedReason.objects.get().reason == "Listed building, no loop to borrow."


def test_it_keeps_the_first_change_to_a_members_role(cast: Cast) -> None:
    amira = cast.membership(cast.member)
    url = reverse("projects:member_change", args=[cast.website.pk, amira.pk])
    kind = {"member_type": amira.member_type}

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {**kind, "role": ProjectRole.CO_CHAIR},
        {**kind, "role": ProjectRole.MEMBER},
    )

    # What the second person chose is still chosen, ready to save again.
    assert re.search(r'<input type="radio" name="role" value="member"[^>]*checked', page)
    amira.refresh_from_db()
    assert amira.role == ProjectRole.CO_CHAIR


def test_it_keeps_the_first_change_to_a_you_said_we_did_entry(cast: Cast) -> None:
    entry = Entry.objects.create(
        project=cast.website, you_said="The pages are hard to read", we_did="Shorter pages"
    )
    url = reverse("decisions:entry_edit", args=[entry.pk])
    fields = {"source": "meeting", "change_status": "planned", "you_said": entry.you_said}

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {**fields, "we_did": "Shorter pages, in plain words"},
        {**fields, "we_did": "Easy read versions of every page"},
    )

    assert "Easy read versions of every page" in page
    assert Entry.objects.get().we_did == "Shorter pages, in plain words"


def test_it_keeps_the_first_register_taken(cast: Cast) -> None:
    meeting = held_meeting(cast)
    invitee = Invitee.objects.filter(meeting=meeting).order_by("pk").first()
    assert invitee is not None
    url = reverse("meetings:attendance", args=[meeting.pk])
    first, second = client_for(cast.chair), client_for(cast.coordinator)
    seen = {
        client: re.search(r'name="seen" value="([^"]*)"', client.get(url).content.decode())
        for client in (first, second)
    }
    field = f"invitee_{invitee.pk}"

    came = first.post(url, {field: "video", "seen": seen[first].group(1)})  # type: ignore[union-attr]
    stale = second.post(url, {field: "no", "seen": seen[second].group(1)})  # type: ignore[union-attr]

    assert came.status_code == 302
    assert stale.status_code == 400
    page = stale.content.decode()
    assert "Someone else saved changes to this page" in page
    assert re.search(rf'name="{field}" value="no"[^>]*checked', page)
    invitee.refresh_from_db()
    assert (invitee.attended, invitee.attended_way) == (True, "video")


def test_it_keeps_the_first_move_of_an_action(cast: Cast) -> None:
    action = Action.objects.create(
        project=cast.website, text="Draft the crisis page", owner=cast.member
    )
    url = reverse("decisions:action_status", args=[action.pk])

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {"status": ActionStatus.DONE, "barrier": ""},
        {"status": ActionStatus.BLOCKED, "barrier": "Waiting for the web team"},
    )

    # What the second person typed is still there, ready to save again.
    assert "Waiting for the web team" in page
    assert re.search(r'<input type="radio" name="status" value="blocked"[^>]*checked', page)
    action.refresh_from_db()
    assert (action.status, action.barrier) == (ActionStatus.DONE, "")


def test_it_keeps_the_first_change_to_the_you_said_we_did_page_settings(cast: Cast) -> None:
    url = reverse("decisions:public_manage", args=[cast.website.pk])

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {"is_published": "on", "introduction": "What we changed this year"},
        {"introduction": "Not ready to share yet"},
    )

    assert "Not ready to share yet" in page
    stored = PublicPage.objects.get(project=cast.website)
    assert (stored.is_published, stored.introduction) == (True, "What we changed this year")


def test_it_keeps_the_first_change_to_a_members_onboarding_checklist(cast: Cast) -> None:
    amira = cast.membership(cast.member)
    url = reverse("projects:onboarding_member", args=[cast.website.pk, amira.pk])

    page = _both_save(
        client_for(cast.chair),
        client_for(cast.coordinator),
        url,
        {"welcomed_at": "on", "inducted_at": "on"},
        {"payment_preference_at": "on"},
    )

    # What the second person ticked is still ticked, ready to save again.
    assert re.search(r'name="payment_preference_at"[^>]*checked', page)
    amira.refresh_from_db()
    assert amira.inducted_at is not None
    assert amira.payment_preference_at is None


@pytest.mark.parametrize("url_name", ["meetings:agenda_item_add"])
def test_it_adds_without_asking_for_a_version(cast: Cast, url_name: str) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.chair).post(
        reverse(url_name, args=[meeting.pk]),
        {"title": "Welcome", "purpose": "discussion", "minutes": "10"},
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get().version == 1
