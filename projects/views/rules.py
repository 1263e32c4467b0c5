"""The group's ground rules: the current version, the shared draft, adopting, agreeing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit, plain_form_after_stale_edit
from coproduce.lib.pagination import paginate
from people.contact import ContactWay
from projects.forms.rules import Agreement, GroundRulesAdoptForm, GroundRulesDraftForm
from projects.lookups import get_project_for_user
from projects.models import (
    GroundRulesAnswer,
    GroundRulesDraft,
    GroundRulesNotice,
    GroundRulesVersion,
    Membership,
)
from projects.services import rules as services


@login_required
@require_GET
def ground_rules(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    project = access.project
    current = services.current_ground_rules(project)
    answers = (
        list(GroundRulesAnswer.objects.filter(version=current).select_related("user"))
        if current
        else []
    )
    agreed = {answer.user_id for answer in answers if answer.agrees}
    not_yet = (
        Membership.objects.current()
        .filter(project=project)
        .exclude(user__in=agreed)
        .select_related("user")
    )
    draft = GroundRulesDraft.objects.filter(project=project).first()
    mine = next((a for a in answers if a.user_id == request.user.pk), None)
    return render(
        request,
        "projects/ground_rules.html",
        {
            "access": access,
            "project": project,
            "current": current,
            "draft": draft,
            "draft_differs": draft is not None and (current is None or draft.text != current.text),
            "mine": mine,
            "not_yet": paginate(request, not_yet),
            "reservations": [a for a in answers if not a.agrees],
            # Members who take no email and have not answered, for the leaders to tell.
            "by_hand": paginate(
                request,
                GroundRulesNotice.objects.filter(version=current, way=ContactWay.BY_HAND)
                .exclude(user__in=[answer.user_id for answer in answers])
                .select_related("user")
                if current and access.can_manage
                else GroundRulesNotice.objects.none(),
                param="by_hand",
                anchor="tell-by-hand",
            ),
            "agreed_count": len(agreed),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ground_rules_draft(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Any member proposes a rule or an edit by changing the shared draft."""
    access = get_project_for_user(request, pk)
    project = access.project
    draft = GroundRulesDraft.objects.filter(project=project).first()
    if draft is None:
        current = services.current_ground_rules(project)
        draft = GroundRulesDraft(project=project, text=current.text if current else "")
    form = GroundRulesDraftForm(request.POST if request.method == "POST" else None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.ground_rules_draft_save(
                draft=form.instance,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            form = form_after_stale_edit(
                GroundRulesDraftForm,
                request,
                instance=GroundRulesDraft.objects.get(project=project),
            )
        else:
            messages.success(request, _("The draft is saved. The group's leaders can adopt it."))
            return redirect("projects:ground_rules", pk=pk)
    return render(
        request,
        "projects/ground_rules_draft.html",
        {"form": form, "project": project, "access": access},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ground_rules_adopt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    project = access.project
    draft = GroundRulesDraft.objects.filter(project=project).first()
    form = GroundRulesAdoptForm(
        request.POST if request.method == "POST" else None,
        initial={"version": draft.version if draft else 0},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.ground_rules_adopt(
                project=project,
                actor=request.user,
                base_url=request.build_absolute_uri("/"),
                change_note=form.cleaned_data["change_note"],
                discussed=form.cleaned_data["discussed"],
                expected_version=form.cleaned_data["version"],
            )
        except services.RulesError as error:
            form.add_error(None, str(error))
        except StaleEdit:
            # Someone changed the draft while the leader read it: show the rules as they are
            # now, with what the leader typed, so adopting is a choice made on the new text.
            draft = GroundRulesDraft.objects.get(project=project)
            form = plain_form_after_stale_edit(GroundRulesAdoptForm, request, version=draft.version)
            form.add_error(
                None,
                _(
                    "What is saved now is different from what you read: The draft. Read the "
                    "draft below again, and check “What changed, and why” still says so."
                ),
            )
        else:
            messages.success(
                request,
                _("Version %(n)s of the ground rules is adopted. Members are asked to agree.")
                % {"n": version.number},
            )
            if GroundRulesNotice.objects.filter(version=version, way=ContactWay.BY_HAND).exists():
                messages.info(
                    request,
                    _("Some members take no email: the list below says who to phone or write to."),
                )
            return redirect("projects:ground_rules", pk=pk)
    return render(
        request,
        "projects/ground_rules_adopt.html",
        {
            "form": form,
            "project": project,
            "access": access,
            "draft": draft,
            "current": services.current_ground_rules(project),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def ground_rules_agree(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member agrees to the current ground rules, or says what they cannot agree to."""
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members of the group agree to its rules
    current = services.current_ground_rules(access.project)
    if current is None:
        messages.info(request, _("The group has not adopted any ground rules yet."))
        return redirect("projects:ground_rules", pk=pk)
    answer = GroundRulesAnswer.objects.filter(version=current, user=request.user).first()
    form = Agreement(request.POST if request.method == "POST" else None, answer=answer)
    if request.method == "POST" and form.is_valid():
        services.ground_rules_answer(
            version=current,
            user=request.user,
            agrees=form.agrees,
            cannot_agree_with=form.cleaned_data["cannot_agree_with"],
        )
        messages.success(
            request,
            _("Thank you. You agreed to the ground rules.")
            if form.agrees
            else _("Thank you. The group's leaders will talk with you about what you said."),
        )
        return redirect("projects:ground_rules", pk=pk)
    return render(
        request,
        "projects/ground_rules_agree.html",
        {"form": form, "project": access.project, "access": access, "current": current},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def ground_rules_versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    versions = GroundRulesVersion.objects.filter(project=access.project).select_related(
        "adopted_by"
    )
    return render(
        request,
        "projects/ground_rules_versions.html",
        {"access": access, "project": access.project, "page": paginate(request, versions)},
    )
