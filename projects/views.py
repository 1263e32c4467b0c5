from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, OuterRef, Prefetch, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import AuditEvent, User
from coproduce.lib.auth import signed_in_user
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit
from coproduce.lib.pagination import paginate
from people import services as people_services
from people.forms import ViewingPurposeForm
from people.models import MemberType
from projects import policy, services
from projects.forms import (
    ALREADY_APPLIED,
    AcceptInvitationForm,
    ApplicationForm,
    ApplicationMoveForm,
    ApplicationSearchForm,
    AssessmentForm,
    CallEditForm,
    CallForm,
    CallQuestionEditForm,
    CallQuestionForm,
    DecisionLetterForm,
    EnteredApplicationForm,
    EqualityForm,
    InvitationForm,
    MemberSearchForm,
    MembershipForm,
    OnboardingForm,
    PanelForm,
    ProjectEditForm,
    ProjectForm,
    SkillEditForm,
    SkillForm,
    SkillOffersForm,
    StakeholderEditForm,
    StakeholderForm,
)
from projects.lookups import (
    CallAccess,
    ProjectAccess,
    get_application_for_user,
    get_call_for_user,
    get_call_question_for_user,
    get_invitation_for_user,
    get_membership_for_user,
    get_project_for_user,
    get_skill_for_user,
    get_stakeholder_for_user,
)
from projects.models import (
    EQUALITY_QUESTIONS,
    LEADING_ROLES,
    LETTER_STATUSES,
    Application,
    ApplicationStatus,
    Assessment,
    Call,
    CallQuestion,
    EqualityReceipt,
    EqualityResponse,
    Invitation,
    Involvement,
    Level,
    Membership,
    Project,
    ProjectRole,
    Skill,
    SkillOffer,
    Stakeholder,
    hash_token,
)


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    projects = Project.objects.annotate(
        member_count=Count("memberships", filter=Q(memberships__left_at__isnull=True))
    ).order_by("name", "pk")
    if not user.is_coordinator:
        projects = projects.filter(
            memberships__user=user, memberships__left_at__isnull=True
        ).distinct()
    search = MemberSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if query:
        projects = projects.filter(name__icontains=query)
    my_roles = dict(
        Membership.objects.current().filter(user=user).values_list("project_id", "role")
    )
    page = paginate(request, projects)
    for project in page:
        role = my_roles.get(project.pk)
        project.my_role = ProjectRole(role).label if role else None
    return render(
        request,
        "projects/project_list.html",
        {
            "page": page,
            "query": query,
            "search": search,
            "can_create": policy.can_create_project(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not policy.can_create_project(user):
        raise PermissionDenied
    form = ProjectForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        project = services.project_create(
            name=form.cleaned_data["name"], purpose=form.cleaned_data["purpose"], created_by=user
        )
        messages.success(request, _("The project is set up. Now invite its members."))
        return redirect("projects:detail", pk=project.pk)
    return render(
        request, "projects/project_form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
@require_GET
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    members = Membership.objects.current().filter(project=access.project)
    by_type = dict(
        members.values("member_type").annotate(n=Count("pk")).values_list("member_type", "n")
    )
    composition = [(label, by_type.get(value, 0)) for value, label in MemberType.choices]
    targets = access.project.composition(by_type)
    leaders = members.filter(role__in=LEADING_ROLES).select_related("user")
    activity = (
        AuditEvent.objects.filter(project=access.project).select_related("actor")[:10]
        if access.can_manage
        else []
    )
    panel_calls = (
        Call.objects.filter(project=access.project, panel__user=access.membership.user_id)
        if access.membership is not None
        else Call.objects.none()
    )
    can_answer_equality = (
        access.membership is not None
        and not EqualityReceipt.objects.filter(
            project=access.project, user=access.membership.user_id
        ).exists()
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "can_answer_equality": can_answer_equality,
            "panel_calls": panel_calls,
            "access": access,
            "project": access.project,
            "composition": composition,
            "member_total": sum(by_type.values()),
            "targets": targets,
            "leaders": leaders,
            "activity": activity,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    form = ProjectEditForm(
        request.POST if request.method == "POST" else None, instance=access.project
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        try:
            services.project_update(
                project=form.instance,
                actor=signed_in_user(request),
                changes=changes,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            form = form_after_stale_edit(
                ProjectEditForm, request, instance=Project.objects.get(pk=pk)
            )
        else:
            messages.success(request, _("The project is saved."))
            return redirect("projects:detail", pk=pk)
    return render(
        request,
        "projects/project_edit.html",
        {"form": form, "project": access.project, "access": access},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def member_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    members = (
        Membership.objects.current().filter(project=access.project).select_related("user__profile")
    )
    search = MemberSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if query:
        members = members.filter(user__full_name__icontains=query)
    page = paginate(request, members)
    viewer = signed_in_user(request)
    for membership in page:
        membership.can_see_access = policy.can_see_access_needs(
            viewer, access.membership, membership.user, getattr(membership.user, "profile", None)
        )
    invitations = (
        Invitation.objects.pending().filter(project=access.project).select_related("invited_by")
        if access.can_manage
        else Invitation.objects.none()
    )
    return render(
        request,
        "projects/member_list.html",
        {
            "access": access,
            "project": access.project,
            "page": page,
            "query": query,
            "search": search,
            "invitations": invitations,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    # Filled in from an accepted application's page, so the leader need not retype them.
    prefilled = {name: request.GET[name] for name in ("email", "full_name") if name in request.GET}
    form = InvitationForm(request.POST if request.method == "POST" else None, initial=prefilled)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                project=access.project,
                invited_by=signed_in_user(request),
                base_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except services.InvitationError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
            )
            return redirect("projects:members", pk=pk)
    return render(
        request,
        "projects/member_invite.html",
        {"form": form, "project": access.project, "access": access},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_change(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    access, membership = get_membership_for_user(request, pk, membership_pk)
    form = MembershipForm(request.POST if request.method == "POST" else None, instance=membership)
    if request.method == "POST" and form.is_valid():
        # Compare against the stored values, not the form's in-place edits.
        stored = Membership.objects.get(pk=membership.pk)
        try:
            services.membership_change(
                membership=stored,
                actor=signed_in_user(request),
                role=form.cleaned_data["role"],
                member_type=form.cleaned_data["member_type"],
            )
        except services.MembershipError as error:
            form.add_error("role", str(error))
        else:
            messages.success(
                request, _("%(person)s's role is saved.") % {"person": stored.user.full_name}
            )
            return redirect("projects:members", pk=pk)
    return render(
        request,
        "projects/member_change.html",
        {"form": form, "project": access.project, "membership": membership, "access": access},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    access, membership = get_membership_for_user(request, pk, membership_pk)
    error = None
    if request.method == "POST":
        try:
            services.membership_end(membership=membership, actor=signed_in_user(request))
        except services.MembershipError as problem:
            error = str(problem)
        else:
            messages.success(
                request,
                _("%(person)s is no longer a member of this project.")
                % {"person": membership.user.full_name},
            )
            return redirect("projects:members", pk=pk)
    return render(
        request,
        "projects/member_remove.html",
        {"project": access.project, "membership": membership, "access": access, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    _access, invitation = get_invitation_for_user(request, pk, invitation_pk)
    try:
        services.invitation_resend(
            invitation=invitation,
            actor=signed_in_user(request),
            base_url=request.build_absolute_uri("/"),
        )
    except services.InvitationError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
        )
    return redirect("projects:members", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    access, invitation = get_invitation_for_user(request, pk, invitation_pk)
    if request.method == "POST":
        try:
            services.invitation_withdraw(invitation=invitation, actor=signed_in_user(request))
        except services.InvitationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The invitation to %(email)s is withdrawn. The link no longer works.")
                % {"email": invitation.email},
            )
        return redirect("projects:members", pk=pk)
    return render(
        request,
        "projects/invitation_withdraw.html",
        {"project": access.project, "invitation": invitation, "access": access},
    )


@login_required
@require_GET
def stakeholder_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    stakeholders = list(Stakeholder.objects.filter(project=access.project))
    # The map: who matters most to the work, and how far they take part already.
    grid = [
        (
            level_label,
            [
                (
                    involvement_label,
                    [s for s in stakeholders if s.influence == level and s.involvement == inv],
                )
                for inv, involvement_label in Involvement.choices
            ],
        )
        for level, level_label in Level.choices
    ]
    return render(
        request,
        "projects/stakeholder_list.html",
        {
            "access": access,
            "project": access.project,
            "stakeholders": stakeholders,
            "grid": grid,
            "involvements": Involvement.choices,
            "future_partners": [s for s in stakeholders if s.should_become_partner],
        },
    )


@login_required
@require_GET
def skill_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    current_members = Membership.objects.current().filter(project=access.project)
    skills = Skill.objects.filter(project=access.project).prefetch_related(
        Prefetch(
            "offers",
            queryset=SkillOffer.objects.filter(
                user__in=current_members.values("user")
            ).select_related("user"),
        )
    )
    rows = [(skill, [offer.user for offer in skill.offers.all()]) for skill in skills]
    return render(
        request,
        "projects/skill_list.html",
        {
            "access": access,
            "project": access.project,
            "rows": rows,
            "gaps": [skill for skill, people in rows if not people],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_offers(request: HttpRequest, pk: int) -> HttpResponse:
    """A member says which of the skills the group needs they bring."""
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members bring skills to a group
    user = signed_in_user(request)
    held = Skill.objects.filter(project=access.project, offers__user=user)
    form = SkillOffersForm(
        request.POST if request.method == "POST" else None,
        project=access.project,
        initial={"skills": list(held)},
    )
    if request.method == "POST" and form.is_valid():
        services.skill_offers_set(
            project=access.project, user=user, skills=list(form.cleaned_data["skills"])
        )
        messages.success(request, _("Thank you. The group can now see what you bring."))
        return redirect("projects:skills", pk=pk)
    return render(
        request,
        "projects/skill_offers.html",
        {"form": form, "project": access.project, "access": access},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def member_access(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """A member's access requirements, for the people in the project who may see them.

    Anyone but the person states why first; the page is shown in answer to that POST and
    the viewing is recorded, so every look at the details leaves a trace.
    """
    access_to_project, membership = get_membership_for_user(
        request, pk, membership_pk, manage=False
    )
    viewer = signed_in_user(request)
    person = membership.user
    profile = getattr(person, "profile", None)
    if not policy.can_see_access_needs(viewer, access_to_project.membership, person, profile):
        raise PermissionDenied
    context = {
        "project": access_to_project.project,
        "access": access_to_project,
        "membership": membership,
        "person": person,
        "profile": profile,
    }
    if viewer.pk == person.pk:
        return render(
            request,
            "people/member_access.html",
            context | {"needs": people_services.access_needs_of(person)},
        )
    form = ViewingPurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        people_services.access_needs_viewed(
            viewer=viewer,
            person=person,
            project=access_to_project.project,
            purpose=form.stated_purpose(),
        )
        return render(
            request,
            "people/member_access.html",
            context | {"needs": people_services.access_needs_of(person)},
        )
    return render(
        request,
        "people/member_access_purpose.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def onboarding(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    members = (
        Membership.objects.current()
        .filter(project=access.project)
        .select_related("user__profile")
        .order_by("-joined_at", "user__full_name")
    )
    rows = [
        (
            membership,
            [getattr(membership, step) for step in Membership.ONBOARDING_STEPS],
            getattr(getattr(membership.user, "profile", None), "access_recorded_at", None),
        )
        for membership in members
    ]
    return render(
        request,
        "projects/onboarding.html",
        {"access": access, "project": access.project, "rows": rows},
    )


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_member(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    access, membership = get_membership_for_user(request, pk, membership_pk)
    form = OnboardingForm(request.POST if request.method == "POST" else None, membership=membership)
    if request.method == "POST" and form.is_valid():
        services.membership_onboarding_set(
            membership=membership, actor=signed_in_user(request), done=form.done()
        )
        messages.success(
            request,
            _("The checklist for %(person)s is saved.") % {"person": membership.user.full_name},
        )
        return redirect("projects:onboarding", pk=pk)
    profile = getattr(membership.user, "profile", None)
    return render(
        request,
        "projects/onboarding_member.html",
        {
            "form": form,
            "project": access.project,
            "access": access,
            "membership": membership,
            "access_recorded_at": getattr(profile, "access_recorded_at", None),
        },
    )


@login_required
@require_POST
def onboarding_welcome(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    _access, membership = get_membership_for_user(request, pk, membership_pk)
    services.membership_welcome(
        membership=membership,
        actor=signed_in_user(request),
        base_url=request.build_absolute_uri("/"),
    )
    messages.success(
        request, _("Welcome sent to %(person)s.") % {"person": membership.user.full_name}
    )
    return redirect("projects:onboarding", pk=pk)


# No result is shown until this many people have answered, and no count below it is shown,
# so nobody can be picked out from a small number.
EQUALITY_THRESHOLD = 5


@login_required
@require_http_methods(["GET", "POST"])
def equality_form(request: HttpRequest, pk: int) -> HttpResponse:
    """A member answers the optional, anonymous equality questions, once."""
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members answer for a group
    user = signed_in_user(request)
    if EqualityReceipt.objects.filter(project=access.project, user=user).exists():
        messages.info(request, _("You have already answered for this project. Thank you."))
        return redirect("projects:detail", pk=pk)
    form = EqualityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.equality_response_submit(
                project=access.project, user=user, answers=form.cleaned_data
            )
        except services.AlreadyAnswered as error:
            messages.info(request, str(error))
        else:
            messages.success(request, _("Thank you. Your answers have been saved anonymously."))
        return redirect("projects:detail", pk=pk)
    return render(
        request,
        "projects/equality_form.html",
        {
            "form": form,
            "project": access.project,
            "access": access,
            "threshold": EQUALITY_THRESHOLD,
        },
        status=400 if form.errors else 200,
    )


def _shown(count: int) -> str:
    """A count as people see it: small numbers, other than none, are not shown."""
    if 0 < count < EQUALITY_THRESHOLD:
        return _("fewer than %(n)s") % {"n": EQUALITY_THRESHOLD}
    return str(count)


@login_required
@require_GET
def equality_summary(request: HttpRequest, pk: int) -> HttpResponse:
    """The equality answers for a project, added up, once enough people have answered."""
    access = get_project_for_user(request, pk, manage=True)
    # One query for every count, however many people answered.
    counts = EqualityResponse.objects.filter(project=access.project).aggregate(
        total=Count("pk"),
        **{
            f"{name}__{value}": Count("pk", filter=Q(**{name: value}))
            for name, _label, choices in EQUALITY_QUESTIONS
            for value in choices.values
        },
    )
    total = counts["total"]
    questions = []
    if total >= EQUALITY_THRESHOLD:
        for name, label, choices in EQUALITY_QUESTIONS:
            rows = [(text, counts[f"{name}__{value}"]) for value, text in choices.choices]
            answered = sum(n for _text, n in rows)
            if any(0 < n < EQUALITY_THRESHOLD for _text, n in rows):
                # Otherwise a single hidden count could be worked out by subtraction.
                floor = answered - answered % EQUALITY_THRESHOLD
                answered_shown = _("at least %(n)s") % {"n": floor} if floor else _shown(answered)
            else:
                answered_shown = str(answered)
            questions.append(
                {
                    "name": name,
                    "label": label,
                    "rows": [(text, _shown(n)) for text, n in rows],
                    "answered": answered_shown,
                }
            )
    return render(
        request,
        "projects/equality_summary.html",
        {
            "project": access.project,
            "access": access,
            "threshold": EQUALITY_THRESHOLD,
            "enough": total >= EQUALITY_THRESHOLD,
            "total": total,
            "questions": questions,
        },
    )


def _item_form_page(
    request: HttpRequest,
    access: ProjectAccess,
    form_class: type[StakeholderForm] | type[SkillForm],
    item: Stakeholder | Skill,
    *,
    template: str,
    list_url: str,
    saved: str,
) -> HttpResponse:
    """Add (an unsaved `item`) or change a simple item on a project's page, then list them."""
    saved_name = item.name  # the form writes what was typed onto `item` as it validates
    form = form_class(
        request.POST if request.method == "POST" else None, instance=item, project=access.project
    )
    if request.method == "POST" and form.is_valid():
        try:
            if item.pk is None:
                services.project_item_add(item=form.instance, actor=signed_in_user(request))
            else:
                services.project_item_update(
                    item=form.instance,
                    actor=signed_in_user(request),
                    changed=[name for name in form.changed_data if name != "version"],
                    expected_version=form.cleaned_data["version"],
                )
        except StaleEdit:
            form = form_after_stale_edit(
                form_class,
                request,
                instance=type(item)._default_manager.get(pk=item.pk),
                project=access.project,
            )
        else:
            messages.success(request, saved % {"name": form.instance.name})
            return redirect(list_url, pk=access.project.pk)
    return render(
        request,
        template,
        {
            "form": form,
            "project": access.project,
            "access": access,
            "item": item,
            "item_name": saved_name,
        },
        status=400 if form.errors else 200,
    )


def _item_remove_page(
    request: HttpRequest,
    access: ProjectAccess,
    item: Stakeholder | Skill,
    *,
    template: str,
    list_url: str,
    removed: str,
) -> HttpResponse:
    """Confirm, then take a simple item off a project's page."""
    if request.method == "POST":
        services.project_item_remove(item=item, actor=signed_in_user(request))
        messages.success(request, removed % {"name": item.name})
        return redirect(list_url, pk=access.project.pk)
    return render(request, template, {"project": access.project, "access": access, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    return _item_form_page(
        request,
        access,
        StakeholderForm,
        Stakeholder(project=access.project),
        template="projects/stakeholder_form.html",
        list_url="projects:stakeholders",
        saved=_("%(name)s is on the stakeholder map."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_edit(request: HttpRequest, pk: int, stakeholder_pk: int) -> HttpResponse:
    access, stakeholder = get_stakeholder_for_user(request, pk, stakeholder_pk)
    return _item_form_page(
        request,
        access,
        StakeholderEditForm,
        stakeholder,
        template="projects/stakeholder_form.html",
        list_url="projects:stakeholders",
        saved=_("The changes to %(name)s are saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_remove(request: HttpRequest, pk: int, stakeholder_pk: int) -> HttpResponse:
    access, stakeholder = get_stakeholder_for_user(request, pk, stakeholder_pk)
    return _item_remove_page(
        request,
        access,
        stakeholder,
        template="projects/stakeholder_remove.html",
        list_url="projects:stakeholders",
        removed=_("%(name)s is off the stakeholder map."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    return _item_form_page(
        request,
        access,
        SkillForm,
        Skill(project=access.project),
        template="projects/skill_form.html",
        list_url="projects:skills",
        saved=_("“%(name)s” is on the list."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_edit(request: HttpRequest, pk: int, skill_pk: int) -> HttpResponse:
    access, skill = get_skill_for_user(request, pk, skill_pk)
    return _item_form_page(
        request,
        access,
        SkillEditForm,
        skill,
        template="projects/skill_form.html",
        list_url="projects:skills",
        saved=_("The changes to “%(name)s” are saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def skill_remove(request: HttpRequest, pk: int, skill_pk: int) -> HttpResponse:
    access, skill = get_skill_for_user(request, pk, skill_pk)
    return _item_remove_page(
        request,
        access,
        skill,
        template="projects/skill_remove.html",
        list_url="projects:skills",
        removed=_("“%(name)s” is off the list."),
    )


@login_required
@require_GET
def call_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    calls = Call.objects.filter(project=access.project).annotate(
        application_count=Count("applications")
    )
    return render(
        request,
        "projects/call_list.html",
        {"access": access, "project": access.project, "calls": calls},
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_add(request: HttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    form = CallForm(
        request.POST if request.method == "POST" else None,
        instance=Call(project=access.project),
    )
    if request.method == "POST" and form.is_valid():
        services.call_open(call=form.instance, actor=signed_in_user(request))
        messages.success(
            request, _("The call “%(title)s” is open.") % {"title": form.instance.title}
        )
        return redirect("projects:call_detail", pk=pk, call_pk=form.instance.pk)
    return render(
        request,
        "projects/call_form.html",
        {"form": form, "project": access.project, "access": access},
        status=400 if form.errors else 200,
    )


def _call_context(call_access: CallAccess) -> dict[str, object]:
    return {
        "access": call_access.access,
        "project": call_access.project,
        "call": call_access.call,
        "call_access": call_access,
    }


@login_required
@require_GET
def call_detail(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    """A call and its applications, for its leaders and the members of its selection panel."""
    call_access = get_call_for_user(request, pk, call_pk, panel=True)
    call = call_access.call
    search = ApplicationSearchForm(request.GET or None)
    query = status = ""
    if search.is_valid():
        query = search.cleaned_data["q"].strip()
        status = search.cleaned_data["status"]
    applications = Application.objects.filter(call=call)
    if query:
        # Only the people who organise the group see applicants' email addresses.
        matches = Q(full_name__icontains=query)
        if call_access.access.can_see_contacts:
            matches |= Q(email__icontains=query)
        applications = applications.filter(matches)
    counts = dict(
        applications.order_by().values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    if status:
        applications = applications.filter(status=status)
    if call_access.can_manage:
        applications = applications.annotate(
            average_score=Avg("assessments__score"), score_count=Count("assessments")
        )
    if call_access.can_assess:
        applications = applications.annotate(
            my_score=Subquery(
                Assessment.objects.filter(
                    application=OuterRef("pk"), assessor=signed_in_user(request)
                ).values("score")[:1]
            )
        )
    page = paginate(request, applications.order_by("submitted_at", "pk"))
    return render(
        request,
        "projects/call_detail.html",
        _call_context(call_access)
        | {
            "page": page,
            "query": query,
            "status": status,
            "status_filters": [
                (value, label, counts.get(value, 0)) for value, label in ApplicationStatus.choices
            ],
            "total": sum(counts.values()),
            "panel": list(call.panel.select_related("user")) if call_access.can_manage else [],
            "question_count": call.questions.count() if call_access.can_manage else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_edit(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    title = call_access.call.title
    form = CallEditForm(
        request.POST if request.method == "POST" else None, instance=call_access.call
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.call_update(
                call=form.instance,
                actor=signed_in_user(request),
                changed=[name for name in form.changed_data if name != "version"],
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            form = form_after_stale_edit(
                CallEditForm, request, instance=Call.objects.get(pk=call_access.call.pk)
            )
        else:
            messages.success(request, _("The call is saved."))
            return redirect("projects:call_detail", pk=pk, call_pk=call_pk)
    return render(
        request,
        "projects/call_edit.html",
        _call_context(call_access) | {"form": form, "title": title},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_close(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    if request.method == "POST":
        services.call_close(call=call_access.call, actor=signed_in_user(request))
        messages.success(
            request,
            _("The call “%(title)s” is closed. Nobody can apply online now.")
            % {"title": call_access.call.title},
        )
        return redirect("projects:call_detail", pk=pk, call_pk=call_pk)
    return render(request, "projects/call_close.html", _call_context(call_access))


@login_required
@require_POST
def call_reopen(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    try:
        services.call_reopen(call=call_access.call, actor=signed_in_user(request))
    except services.CallError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("The call “%(title)s” is open again. People can apply until %(date)s.")
            % {
                "title": call_access.call.title,
                "date": f"{call_access.call.closes_on:%-d %B %Y}",
            },
        )
    return redirect("projects:call_detail", pk=pk, call_pk=call_pk)


@login_required
@require_http_methods(["GET", "POST"])
def call_panel(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    """Choose the members who read and score the call's applications."""
    call_access = get_call_for_user(request, pk, call_pk)
    call = call_access.call
    on_panel = Membership.objects.current().filter(
        project=call_access.project, user__panel_places__call=call
    )
    form = PanelForm(
        request.POST if request.method == "POST" else None,
        call=call,
        initial={"members": list(on_panel)},
    )
    if request.method == "POST" and form.is_valid():
        services.call_panel_set(
            call=call,
            users=[membership.user for membership in form.cleaned_data["members"]],
            actor=signed_in_user(request),
        )
        messages.success(request, _("The selection panel is saved."))
        return redirect("projects:call_detail", pk=pk, call_pk=call_pk)
    return render(
        request,
        "projects/call_panel.html",
        _call_context(call_access) | {"form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def call_questions(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    """The questions on a call's application form, to add, change, reorder and remove."""
    call_access = get_call_for_user(request, pk, call_pk)
    answered = services.call_question_answer_counts(call_access.call)
    questions = list(call_access.call.questions.all())
    return render(
        request,
        "projects/call_questions.html",
        _call_context(call_access)
        | {"rows": [(question, answered.get(question.pk, 0)) for question in questions]},
    )


def _question_form_page(
    request: HttpRequest,
    call_access: CallAccess,
    form_class: type[CallQuestionForm],
    question: CallQuestion,
    *,
    answered: int = 0,
) -> HttpResponse:
    """Add (an unsaved `question`) or change a question, then list the call's questions."""
    fields = ["text", "kind", "choices", "required"]
    stored = {name: getattr(question, name) for name in fields}
    form = form_class(request.POST if request.method == "POST" else None, instance=question)
    if request.method == "POST" and form.is_valid():
        try:
            if question.pk is None:
                services.call_question_add(question=form.instance, actor=signed_in_user(request))
            else:
                services.call_question_update(
                    question=form.instance,
                    actor=signed_in_user(request),
                    # Compared with what was stored: the form tidies choices as it cleans.
                    changed=[
                        name for name in fields if getattr(form.instance, name) != stored[name]
                    ],
                    expected_version=form.cleaned_data["version"],
                )
        except StaleEdit:
            form = form_after_stale_edit(
                form_class, request, instance=CallQuestion.objects.get(pk=question.pk)
            )
        else:
            messages.success(request, _("The question is saved."))
            return redirect(
                "projects:call_questions", pk=call_access.project.pk, call_pk=call_access.call.pk
            )
    return render(
        request,
        "projects/call_question_form.html",
        _call_context(call_access)
        | {"form": form, "question": question, "stored_text": stored["text"], "answered": answered},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_question_add(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    return _question_form_page(
        request, call_access, CallQuestionForm, CallQuestion(call=call_access.call)
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_question_edit(
    request: HttpRequest, pk: int, call_pk: int, question_pk: int
) -> HttpResponse:
    call_access, question = get_call_question_for_user(request, pk, call_pk, question_pk)
    answered = services.call_question_answer_counts(call_access.call).get(question.pk, 0)
    return _question_form_page(
        request, call_access, CallQuestionEditForm, question, answered=answered
    )


@login_required
@require_http_methods(["GET", "POST"])
def call_question_remove(
    request: HttpRequest, pk: int, call_pk: int, question_pk: int
) -> HttpResponse:
    call_access, question = get_call_question_for_user(request, pk, call_pk, question_pk)
    answered = services.call_question_answer_counts(call_access.call).get(question.pk, 0)
    error = None
    if request.method == "POST":
        try:
            services.call_question_remove(question=question, actor=signed_in_user(request))
        except services.CallError as problem:
            error = str(problem)
            answered = services.call_question_answer_counts(call_access.call).get(question.pk, 0)
        else:
            messages.success(
                request, _("The question “%(text)s” is removed.") % {"text": question.text}
            )
            return redirect("projects:call_questions", pk=pk, call_pk=call_pk)
    return render(
        request,
        "projects/call_question_remove.html",
        _call_context(call_access) | {"question": question, "answered": answered, "error": error},
        status=400 if error else 200,
    )


@login_required
@require_POST
def call_question_move(
    request: HttpRequest, pk: int, call_pk: int, question_pk: int
) -> HttpResponse:
    """Move a question up or down the form: buttons that work without JavaScript."""
    _call_access, question = get_call_question_for_user(request, pk, call_pk, question_pk)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.call_question_move(
            question=question, actor=signed_in_user(request), up=direction == "up"
        )
    url = reverse("projects:call_questions", kwargs={"pk": pk, "call_pk": call_pk})
    return redirect(f"{url}#question-{question.pk}")


def _answers(call: Call, application: Application) -> list[tuple[CallQuestion, str]]:
    return [
        (question, str(application.answers.get(str(question.pk), "")))
        for question in call.questions.all()
    ]


@login_required
@require_GET
def application_detail(
    request: HttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """One application in full: answers, history, and the panel's scores."""
    call_access, application = get_application_for_user(request, pk, call_pk, application_pk)
    user = signed_in_user(request)
    assessments = list(application.assessments.select_related("assessor"))
    mine = next((a for a in assessments if a.assessor_id == user.pk), None)
    context = _call_context(call_access) | {
        "application": application,
        "answers": _answers(call_access.call, application),
        "history": list(application.status_changes.select_related("changed_by")),
        "my_assessment": mine,
    }
    if call_access.can_manage:
        by_assessor = {a.assessor_id: a for a in assessments}
        panel = list(call_access.call.panel.select_related("user"))
        on_panel = {member.user_id for member in panel}
        scores = [a.score for a in assessments]
        letter = services.letter_step(application)
        context |= {
            "panel_rows": [(member.user, by_assessor.get(member.user_id)) for member in panel],
            # Scores from people since taken off the panel still count.
            "other_assessments": [a for a in assessments if a.assessor_id not in on_panel],
            "average": round(sum(scores) / len(scores), 1) if scores else None,
            "letter_due": letter is not None and letter.letter_sent_at is None,
            "invite_url": (
                reverse("projects:member_invite", kwargs={"pk": pk})
                + "?"
                + urlencode({"email": application.email, "full_name": application.full_name})
                if application.status == ApplicationStatus.ACCEPTED
                else ""
            ),
        }
    return render(request, "projects/application_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def application_assess(
    request: HttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """A panel member's own score and notes for an application."""
    call_access, application = get_application_for_user(request, pk, call_pk, application_pk)
    if not call_access.can_assess:
        raise PermissionDenied  # only the selection panel scores
    user = signed_in_user(request)
    assessment = Assessment.objects.filter(application=application, assessor=user).first()
    form = AssessmentForm(
        request.POST if request.method == "POST" else None,
        instance=assessment or Assessment(application=application, assessor=user),
    )
    if request.method == "POST" and form.is_valid():
        services.assessment_save(
            application=application,
            assessor=user,
            score=form.cleaned_data["score"],
            note=form.cleaned_data["note"],
        )
        messages.success(
            request,
            _("Your score for %(person)s is saved.") % {"person": application.full_name},
        )
        return redirect(
            "projects:application_detail", pk=pk, call_pk=call_pk, application_pk=application.pk
        )
    return render(
        request,
        "projects/application_assess.html",
        _call_context(call_access)
        | {
            "form": form,
            "application": application,
            "answers": _answers(call_access.call, application),
            "is_new": assessment is None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_move(
    request: HttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """A leader moves an application to its next stage."""
    call_access, application = get_application_for_user(
        request, pk, call_pk, application_pk, manage=True
    )
    form = ApplicationMoveForm(
        request.POST if request.method == "POST" else None, application=application
    )
    if request.method == "POST" and form.is_valid():
        try:
            change = services.application_move(
                application=application,
                to_status=form.cleaned_data["status"],
                actor=signed_in_user(request),
                note=form.cleaned_data["note"],
                seen_status=form.cleaned_data["current"],
            )
        except services.SelectionError as error:
            form.add_error(None, str(error))
        else:
            kwargs = {"pk": pk, "call_pk": call_pk, "application_pk": application.pk}
            done = {"person": application.full_name, "status": application.get_status_display()}
            if change.to_status in LETTER_STATUSES:
                messages.success(
                    request,
                    _("%(person)s is now “%(status)s”. Check the letter to them, then send it.")
                    % done,
                )
                return redirect(reverse("projects:application_letter", kwargs=kwargs))
            if change.to_status == ApplicationStatus.ACCEPTED:
                messages.success(
                    request,
                    _("%(person)s accepted. Now invite them to join the group.") % done,
                )
            else:
                messages.success(request, _("%(person)s is now “%(status)s”.") % done)
            return redirect(reverse("projects:application_detail", kwargs=kwargs))
    return render(
        request,
        "projects/application_move.html",
        _call_context(call_access) | {"form": form, "application": application},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_letter(
    request: HttpRequest, pk: int, call_pk: int, application_pk: int
) -> HttpResponse:
    """Write, preview and send the letter about an application's stage."""
    call_access, application = get_application_for_user(
        request, pk, call_pk, application_pk, manage=True
    )
    user = signed_in_user(request)
    step = services.letter_step(application)
    context = _call_context(call_access) | {"application": application, "step": step}
    if step is None or step.letter_sent_at is not None:
        # Nothing to write: this stage has no letter, or it has gone already.
        return render(request, "projects/application_letter_sent.html", context)
    if request.method == "POST":
        form = DecisionLetterForm(request.POST)
        action = request.POST.get("action", "preview")
        if form.is_valid() and action == "send":
            try:
                services.application_letter_send(
                    change=step,
                    subject=form.cleaned_data["subject"],
                    body=form.cleaned_data["body"],
                    actor=user,
                )
            except services.LetterAlreadySent:
                messages.info(request, _("This letter had already been sent."))
            else:
                messages.success(
                    request,
                    _("The letter is on its way to %(email)s.") % {"email": application.email},
                )
            return redirect(
                "projects:application_detail", pk=pk, call_pk=call_pk, application_pk=application.pk
            )
        if form.is_valid() and action == "preview":
            return render(
                request,
                "projects/application_letter_preview.html",
                context | {"form": form, **form.cleaned_data},
            )
    else:
        subject, body = services.letter_draft(application=application, sender=user)
        form = DecisionLetterForm(initial={"subject": subject, "body": body})
    return render(
        request,
        "projects/application_letter.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )


def _application_page(
    request: HttpRequest,
    call: Call,
    form: ApplicationForm,
    *,
    template: str,
    context: dict[str, object],
    entered_by: User | None = None,
) -> HttpResponse | None:
    """Record the application if the form is valid, or return None to show the form again."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        application = services.application_submit(
            call=call,
            full_name=form.cleaned_data["full_name"],
            email=form.cleaned_data["email"],
            phone=form.cleaned_data["phone"],
            answers=form.answers(),
            channel=form.cleaned_data.get("channel", "web"),
            entered_by=entered_by,
        )
    except services.AlreadyApplied:
        form.add_error("email", ALREADY_APPLIED)
        return None
    return render(request, template, context | {"application": application})


@login_required
@require_http_methods(["GET", "POST"])
def application_enter(request: HttpRequest, pk: int, call_pk: int) -> HttpResponse:
    call_access = get_call_for_user(request, pk, call_pk)
    call = call_access.call
    form = EnteredApplicationForm(request.POST if request.method == "POST" else None, call=call)
    context = _call_context(call_access)
    if request.method == "POST" and form.is_valid():
        done = _application_page(
            request,
            call,
            form,
            template="projects/application_done.html",
            context=context,
            entered_by=signed_in_user(request),
        )
        if done is not None:
            messages.success(
                request,
                _("The application from %(person)s is recorded.")
                % {"person": form.cleaned_data["full_name"]},
            )
            return redirect("projects:call_detail", pk=pk, call_pk=call.pk)
    return render(
        request,
        "projects/application_enter.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def apply(request: HttpRequest, call_pk: int) -> HttpResponse:
    """The public page where anyone, signed in or not, applies to an open call."""
    call = get_object_or_404(Call.objects.select_related("project"), pk=call_pk)
    context: dict[str, object] = {"call": call, "project": call.project}
    if not call.is_open:
        return render(request, "projects/apply_closed.html", context)
    form = ApplicationForm(request.POST if request.method == "POST" else None, call=call)
    done = _application_page(
        request, call, form, template="projects/application_done.html", context=context
    )
    if done is not None:
        return done
    return render(
        request,
        "projects/apply.html",
        context | {"form": form},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The page an invitation email links to. Works for new and existing people."""
    invite = (
        Invitation.objects.select_related("project", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invite is None:
        raise Http404
    if not invite.is_usable:
        return render(request, "projects/invitation_unusable.html", {"invitation": invite})

    user = request.user if isinstance(request.user, User) else None
    has_account = user is not None or User.objects.filter(email__iexact=invite.email).exists()
    wrong_person = user is not None and user.email.lower() != invite.email.lower()
    form = (
        None
        if has_account
        else AcceptInvitationForm(
            request.POST if request.method == "POST" else None, email=invite.email
        )
    )

    if request.method == "POST" and not wrong_person:
        if user is not None:
            services.invitation_accept(invitation=invite, user=user)
            return _joined(request, invite)
        if form is not None and form.is_valid():
            try:
                new_user = services.invitation_accept(
                    invitation=invite,
                    user=None,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
            except services.InvitationError as error:
                form.add_error(None, str(error))
            else:
                login(request, new_user, backend="django.contrib.auth.backends.ModelBackend")
                return _joined(request, invite)

    return render(
        request,
        "projects/invitation.html",
        {
            "invitation": invite,
            "form": form,
            "has_account": has_account,
            "wrong_person": wrong_person,
            "signed_in": user is not None,
        },
        status=400 if form is not None and form.errors else 200,
    )


def _joined(request: HttpRequest, invite: Invitation) -> HttpResponse:
    messages.success(
        request, _("Welcome. You have joined %(project)s.") % {"project": invite.project.name}
    )
    return redirect("projects:detail", pk=invite.project_id)
