"""Proposals: the group's list, drafting, the proposal page with comments grouped by what
people bring, moving it through its stages, and comparing its versions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.pagination import paginate
from decisions import policy
from decisions.forms import CommentForm, CompareForm, MoveForm, ProposalForm
from decisions.lookups import GroupAccess, get_group_for_user, get_proposal_for_user
from decisions.models import Comment, Proposal, ProposalVersion, Stage
from decisions.services import Refused
from decisions.services import proposals as services
from people.models import MemberType


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _context(access: GroupAccess, **extra: Any) -> dict[str, Any]:
    return {"access": access, "project": access.project, **extra}


@login_required
@require_GET
def proposal_list(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk)
    stage = request.GET.get("stage", "")
    rows = Proposal.objects.filter(project=access.project).select_related("author")
    if stage in Stage.values:
        rows = rows.filter(stage=stage)
    else:
        stage = ""
    return render(
        request,
        "decisions/proposal_list.html",
        _context(access, page=paginate(request, rows), stage=stage, stages=Stage.choices),
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_add(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_group_for_user(request, project_pk, take_part=True)
    form = ProposalForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        proposal = services.proposal_create(
            project_id=access.project.pk,
            author=request.user,
            title=form.cleaned_data["title"],
            theme=form.cleaned_data["theme"],
            text=form.cleaned_data["text"],
        )
        messages.success(
            request,
            _("Your draft is saved. Nobody else sees it until you open it for comment."),
        )
        return redirect("decisions:proposal_detail", proposal.pk)
    return render(
        request,
        "decisions/proposal_form.html",
        _context(access, form=form),
        status=400 if form.errors else 200,
    )


def _comment_groups(comments: list[Comment]) -> list[tuple[str, list[Comment]]]:
    """Comments side by side by what people bring, in the order the member types are."""
    groups: list[tuple[str, list[Comment]]] = []
    for value, label in MemberType.choices:
        these = [comment for comment in comments if comment.member_type == value]
        if these:
            groups.append((str(label), these))
    return groups


def _detail(
    request: AuthenticatedHttpRequest,
    access: GroupAccess,
    proposal: Proposal,
    comment_form: CommentForm | None = None,
) -> HttpResponse:
    comments = list(proposal.comments.select_related("author"))
    versions = list(proposal.versions.select_related("moved_by"))
    user = request.user
    moves = [
        (stage, Stage(stage).label)
        for stage in proposal.next_stages
        if policy.can_move_proposal(user, access.membership, proposal, stage)
    ]
    return render(
        request,
        "decisions/proposal_detail.html",
        _context(
            access,
            proposal=proposal,
            comment_groups=_comment_groups(comments),
            comment_count=len(comments),
            versions=versions,
            moves=moves,
            can_edit=proposal.text_can_change
            and policy.can_edit_proposal(user, access.membership, proposal),
            can_comment=proposal.open_for_comment and access.can_take_part,
            comment_form=comment_form or CommentForm(),
            decisions=list(proposal.decisions.all()),
        ),
        status=400 if comment_form is not None and comment_form.errors else 200,
    )


@login_required
@require_GET
def proposal_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, proposal = get_proposal_for_user(request, pk)
    if proposal.stage == Stage.DRAFT and not policy.can_edit_proposal(
        request.user, access.membership, proposal
    ):
        # A draft is its author's until they open it; the leaders can help with it.
        raise PermissionDenied
    return _detail(request, access, proposal)


@login_required
@require_POST
def proposal_comment(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, proposal = get_proposal_for_user(request, pk)
    if not access.can_take_part or access.membership is None:
        raise PermissionDenied
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                proposal=proposal, membership=access.membership, text=form.cleaned_data["text"]
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your comment is added."))
            return redirect("decisions:proposal_detail", proposal.pk)
    return _detail(request, access, proposal, comment_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, proposal = get_proposal_for_user(request, pk, edit=True)
    if not proposal.text_can_change:
        messages.error(
            request, _("Only a draft can be changed. To change the words now, revise it.")
        )
        return redirect("decisions:proposal_detail", proposal.pk)
    form = ProposalForm(
        request.POST if request.method == "POST" else None,
        instance=proposal,
        initial={"version": proposal.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.proposal_edit(
                proposal=proposal,
                actor=request.user,
                expected_version=form.cleaned_data["version"] or 0,
                title=form.cleaned_data["title"],
                theme=form.cleaned_data["theme"],
                text=form.cleaned_data["text"],
            )
        except Refused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft is saved."))
            return redirect("decisions:proposal_detail", proposal.pk)
    return render(
        request,
        "decisions/proposal_form.html",
        _context(access, form=form, proposal=proposal),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_move(request: AuthenticatedHttpRequest, pk: int, stage: str) -> HttpResponse:
    access, proposal = get_proposal_for_user(request, pk)
    if stage not in Stage.values:
        raise Http404
    if not policy.can_move_proposal(request.user, access.membership, proposal, stage):
        raise PermissionDenied
    problem = services.stage_problem(proposal, stage)
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        proposal=proposal,
        stage=stage,
        initial={"version": proposal.version},
    )
    if request.method == "POST":
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.proposal_move(
                    proposal=proposal,
                    actor=request.user,
                    stage=stage,
                    expected_version=data["version"],
                    note=data.get("note", ""),
                    text=data.get("text"),
                    timescale=data.get("timescale", ""),
                    reasons=data.get("reasons", ""),
                    base_url=_base_url(request),
                )
            except Refused as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("The proposal is now: %(stage)s.") % {"stage": Stage(stage).label},
                )
                return redirect("decisions:proposal_detail", proposal.pk)
    return render(
        request,
        "decisions/proposal_move.html",
        _context(
            access,
            proposal=proposal,
            form=form,
            stage=stage,
            stage_label=Stage(stage).label,
            problem=problem,
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def proposal_versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access, proposal = get_proposal_for_user(request, pk)
    if proposal.stage == Stage.DRAFT and not policy.can_edit_proposal(
        request.user, access.membership, proposal
    ):
        raise PermissionDenied
    versions = list(proposal.versions.select_related("moved_by"))
    by_number: dict[int, ProposalVersion] = {version.number: version for version in versions}
    form = CompareForm(request.GET if "a" in request.GET else None, versions=versions)
    comparison = None
    if form.is_bound and form.is_valid():
        before, after = by_number[form.cleaned_data["a"]], by_number[form.cleaned_data["b"]]
        if before.number > after.number:
            before, after = after, before
        comparison = {
            "before": before,
            "after": after,
            "title": services.words_compare(before.title, after.title),
            "text": services.words_compare(before.text, after.text),
        }
    elif not form.is_bound and len(versions) >= 2:
        form = CompareForm(
            initial={"a": versions[-2].number, "b": versions[-1].number}, versions=versions
        )
    return render(
        request,
        "decisions/proposal_versions.html",
        _context(access, proposal=proposal, versions=versions, form=form, comparison=comparison),
        status=400 if form.is_bound and form.errors else 200,
    )
