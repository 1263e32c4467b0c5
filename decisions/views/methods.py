"""Decisions: opening one with its method, the decision page with the answers side by side,
answering, entering someone's answer, changing it while open and recording the outcome."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from coproduce.lib.concurrency import STALE_EDIT_MESSAGE, StaleEdit
from decisions.forms import CloseForm, DecisionForm, RecordResponseForm, ResponseForm
from decisions.lookups import GroupAccess, get_decision_for_user, get_group_for_user
from decisions.models import GroupDecision, Outcome, Proposal, Response, Stage
from decisions.services import Refused
from decisions.services import methods as services
from meetings.models import ActionPoint


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _context(access: GroupAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


def _tell_by_other_means(request: AuthenticatedHttpRequest, to_contact: list[User]) -> None:
    if to_contact:
        messages.warning(
            request,
            _(
                "These people asked not to get email, or have no email address: %(names)s. "
                "Send them the question by phone or post, and enter their answers."
            )
            % {"names": ", ".join(user.full_name for user in to_contact)},
        )


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk, decide=True)
    proposal = None
    if (proposal_pk := request.GET.get("proposal", "")).isdigit():
        proposal = Proposal.objects.filter(project=access.project, pk=int(proposal_pk)).first()
    decision = GroupDecision(
        project=access.project,
        proposal=proposal,
        theme=proposal.theme if proposal else "",
        question=proposal.title if proposal else "",
    )
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        instance=decision,
        project=access.project,
    )
    if request.method == "POST" and form.is_valid():
        try:
            to_contact = services.decision_open(
                decision=form.instance, actor=request.user, base_url=_base_url(request)
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The decision is open for answers."))
            _tell_by_other_means(request, to_contact)
            return redirect("decisions:decision_detail", form.instance.pk)
    return render(
        request,
        "decisions/decision_form.html",
        _context(access, form=form, decision=decision),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, decision = get_decision_for_user(request, pk, decide=True)
    if not decision.is_open:
        messages.error(request, _("This decision is closed, so it cannot be changed."))
        return redirect("decisions:decision_detail", decision.pk)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        instance=decision,
        project=access.project,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.decision_change(
                decision=form.instance,
                actor=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                fields=[
                    "question",
                    "theme",
                    "method",
                    "proposal",
                    "meeting",
                    "agenda_item",
                    "closes_at",
                ],
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The decision is saved."))
            return redirect("decisions:decision_detail", decision.pk)
    return render(
        request,
        "decisions/decision_form.html",
        _context(access, form=form, decision=decision),
        status=400 if form.errors else 200,
    )


def _detail_context(
    request: AuthenticatedHttpRequest, access: GroupAccess, decision: GroupDecision
) -> dict[str, Any]:
    responses = list(decision.responses.select_related("user"))
    mine = next((r for r in responses if r.user_id == request.user.pk), None)
    memberships = services.current_members(decision.project_id)
    answered = {response.user_id for response in responses}
    actions = list(decision.actions.select_related("owner"))
    if decision.agenda_item_id:
        points = list(
            ActionPoint.objects.filter(agenda_item_id=decision.agenda_item_id).select_related(
                "owner"
            )
        )
    else:
        points = []
    return _context(
        access,
        decision=decision,
        responses=responses,
        mine=mine,
        tally=services.tally(decision, responses),
        provisional=decision.provisional(services.unanswered_thoughts(decision)),
        waiting=[m.user for m in memberships if m.user_id not in answered],
        written_only=[
            user for user in services.written_only(memberships) if user.pk not in answered
        ],
        can_answer=access.can_take_part and mine is None and decision.responses_open(),
        actions=actions,
        action_points=points,
        entries=list(decision.entries.all()),
    )


@login_required
@require_GET
def decision_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, decision = get_decision_for_user(request, pk)
    return render(
        request, "decisions/decision_detail.html", _detail_context(request, access, decision)
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, decision = get_decision_for_user(request, pk, take_part=True)
    existing = Response.objects.filter(decision=decision, user=request.user).first()
    problem = None
    if existing is not None:
        problem = _("You have already answered. Each person answers once.")
    elif not decision.responses_open():
        problem = _("This decision has closed, so it takes no more answers.")
    form = ResponseForm(request.POST if request.method == "POST" else None, decision=decision)
    if request.method == "POST":
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif form.is_valid():
            try:
                services.response_save(
                    decision=decision,
                    user=request.user,
                    choice=form.cleaned_data["choice"],
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you. Your answer is recorded."))
                return redirect("decisions:decision_detail", decision.pk)
    return render(
        request,
        "decisions/decision_respond.html",
        _context(access, decision=decision, form=form, problem=problem, existing=existing),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def response_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Enter a member's answer for them: said at the meeting, or sent in writing."""
    access, decision = get_decision_for_user(request, pk, record=True)
    problem = (
        None
        if decision.responses_open()
        else _("This decision has closed, so it takes no more answers.")
    )
    form = RecordResponseForm(request.POST if request.method == "POST" else None, decision=decision)
    if request.method == "POST":
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.response_save(
                    decision=decision,
                    user=data["person"],
                    choice=data["choice"],
                    reason=data["reason"],
                    actor=request.user,
                    way=data["way"],
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("%(name)s's answer is recorded.") % {"name": data["person"].full_name},
                )
                return redirect("decisions:response_record", decision.pk)
    return render(
        request,
        "decisions/response_record.html",
        _context(access, decision=decision, form=form, problem=problem),
        status=400 if form.errors else 200,
    )


def _close_form(
    decision: GroupDecision,
    responses: list[Response],
    *,
    data: Any = None,
) -> tuple[CloseForm, str, str | None]:
    """The form to record the outcome, the outcome the answers give, and the proposal step."""
    likely = services.outcome_for(decision.method, [r.choice for r in responses])
    step = services.proposal_step(decision, likely) if responses else None
    form = CloseForm(
        data,
        proposal_step=step,
        reasons=services.reasons_given(decision) if step == Stage.NOT_AGREED else "",
        initial={"version": decision.version, "answers": len(responses)},
    )
    return form, likely, step


def _close_form_after_stale_edit(
    request: AuthenticatedHttpRequest, pk: int, seen_answers: int
) -> tuple[GroupDecision, list[Response], CloseForm, str, str | None]:
    """What the person typed, over the decision as it is now, saying what changed."""
    decision = GroupDecision.objects.select_related("proposal", "meeting").get(pk=pk)
    responses = list(decision.responses.all())
    data = request.POST.copy()
    data["version"], data["answers"] = str(decision.version), str(len(responses))
    likely = services.outcome_for(decision.method, [r.choice for r in responses])
    if "reasons" not in data and services.proposal_step(decision, likely) == Stage.NOT_AGREED:
        # Not agreed now, where the page asked by when: start from the reasons given.
        data["reasons"] = services.reasons_given(decision)
    form, likely, step = _close_form(decision, responses, data=data)
    form.is_valid()
    form.add_error(None, STALE_EDIT_MESSAGE)
    more = len(responses) - seen_answers
    if more > 0:
        changed = ngettext(
            "%(n)s more answer came in while you were on this page.",
            "%(n)s more answers came in while you were on this page.",
            more,
        ) % {"n": more}
    elif more < 0:
        changed = _("Some answers were taken away while you were on this page.")
    else:
        changed = _(
            "Someone else changed the decision (its question, method or closing date) while "
            "you were on this page."
        )
    form.add_error(
        None,
        _("%(changed)s From the answers given now, the outcome is: %(outcome)s.")
        % {"changed": changed, "outcome": Outcome(likely).label},
    )
    return decision, responses, form, likely, step


@login_required
@require_http_methods(["GET", "POST"])
def decision_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, decision = get_decision_for_user(request, pk, decide=True)
    responses = list(decision.responses.all())
    problem = services.close_problem(decision, len(responses))
    form, likely, step = _close_form(
        decision, responses, data=request.POST if request.method == "POST" else None
    )
    seen_version, seen_answers = request.POST.get("version", ""), request.POST.get("answers", "")
    if request.method == "POST":
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif (
            seen_version.isdigit()
            and seen_answers.isdigit()
            and (int(seen_version), int(seen_answers)) != (decision.version, len(responses))
        ):
            # Drawn before a change or an answer, which may change what the form asks.
            decision, responses, form, likely, step = _close_form_after_stale_edit(
                request, pk, int(seen_answers)
            )
        elif form.is_valid():
            try:
                outcome = services.decision_close(
                    decision=decision,
                    actor=request.user,
                    note=form.cleaned_data["note"],
                    timescale=form.cleaned_data.get("timescale", ""),
                    reasons=form.cleaned_data.get("reasons", ""),
                    base_url=_base_url(request),
                    expected_version=form.cleaned_data["version"],
                    expected_answers=form.cleaned_data["answers"],
                )
            except Refused as error:
                form.add_error(None, str(error))
            except StaleEdit:
                decision, responses, form, likely, step = _close_form_after_stale_edit(
                    request, pk, form.cleaned_data["answers"]
                )
                problem = services.close_problem(decision, len(responses))
            else:
                decision.outcome = outcome
                messages.success(
                    request,
                    _("The outcome is recorded: %(outcome)s.")
                    % {"outcome": decision.get_outcome_display()},
                )
                if decision.proposal is not None and step:
                    messages.info(
                        request,
                        _("The proposal “%(title)s” is now: %(stage)s.")
                        % {
                            "title": decision.proposal.title,
                            "stage": decision.proposal.get_stage_display(),
                        },
                    )
                return redirect("decisions:decision_detail", decision.pk)
    return render(
        request,
        "decisions/decision_close.html",
        _context(
            access,
            decision=decision,
            form=form,
            problem=problem,
            likely=Outcome(likely).label if responses else None,
            proposal_step=step,
            tally=services.tally(decision, responses),
        ),
        status=400 if form.errors else 200,
    )
