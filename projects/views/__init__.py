from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import throttling
from accounts.backends import BACKEND
from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.choices import choice_labels
from coproduce.lib.concurrency import (
    StaleEdit,
    form_after_stale_edit,
    plain_form_after_stale_edit,
    versioned_form_submit,
)
from coproduce.lib.fragments import rendered_rows
from coproduce.lib.pagination import paginate
from people import services as people_services
from people.forms import ViewingPurposeForm
from people.models import MemberType
from projects import policy, services
from projects.forms import (
    AcceptInvitationForm,
    EqualityForm,
    InvitationForm,
    MemberSearchForm,
    MembershipForm,
    OnboardingForm,
    ProjectEditForm,
    ProjectForm,
    SkillEditForm,
    SkillForm,
    SkillOffersForm,
    StakeholderEditForm,
    StakeholderForm,
)
from projects.lookups import (
    ProjectAccess,
    get_invitation_for_user,
    get_membership_for_user,
    get_project_for_user,
    get_skill_for_user,
    get_stakeholder_for_user,
)
from projects.models import (
    EQUALITY_QUESTIONS,
    EqualityReceipt,
    EqualityResponse,
    Expectation,
    GroundRulesAnswer,
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
from projects.services import pages
from projects.services import plan as plan_services
from projects.services import rules as rules_services


@login_required
@require_GET
def project_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
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
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
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
def project_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    figures = pages.overview_of(access.project, access.membership)
    composition = [
        (label, figures.by_type.get(value, 0), figures.paused_by_type[value])
        for value, label in MemberType.choices
    ]
    organisation = Organisation.remembered()
    plan = plan_services.plan_figures(access.project, organisation=organisation)
    activity = (
        AuditEvent.objects.filter(project=access.project).select_related("actor")[:10]
        if access.can_manage
        else []
    )
    viewer = access.membership
    return render(
        request,
        "projects/project_detail.html",
        {
            "frustrations_open": figures.frustrations_open,
            # Saying what they expect is a member's own first step, so the overview asks.
            "expectation_missing": viewer is not None and not figures.viewer_expects,
            "can_answer_equality": viewer is not None and not figures.viewer_answered_equality,
            "access": access,
            "project": access.project,
            "composition": composition,
            "member_total": sum(figures.by_type.values()),
            "paused_total": figures.paused_by_type.total(),
            "plan": plan,
            "resources": plan.resources,
            "i_have_paused": figures.viewer_paused,
            "targets": access.project.composition(figures.by_type),
            "leaders": figures.leaders,
            "activity": activity,
            "organisation": organisation,  # for the page's header too
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    form = ProjectEditForm(
        request.POST if request.method == "POST" else None, instance=access.project
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        try:
            services.project_update(
                project=form.instance,
                actor=request.user,
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
def member_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk)
    search = MemberSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    page = paginate(request, pages.MemberRows(access.project, query))
    viewer = request.user
    brings = choice_labels(Membership._meta.get_field("member_type"), get_language())
    roles = choice_labels(Membership._meta.get_field("role"), get_language())
    rows = [
        {
            "project_pk": access.project.pk,
            "pk": member.pk,
            "name": member.full_name,
            "is_paused": member.is_paused,
            "brings": brings.get(member.member_type, member.member_type),
            "role": roles.get(member.role, member.role),
            "show_email": access.can_see_contacts,
            "email": member.email if access.can_see_contacts else "",
            "can_manage": access.can_manage,
            "can_see_access": policy.can_see_access_needs_of(
                viewer, access.membership, member.user_id, shared=member.shares_access_with_group
            ),
        }
        for member in page
    ]
    invitations = paginate(
        request,
        Invitation.objects.waiting().filter(project=access.project)
        if access.can_manage
        else Invitation.objects.none(),
        param="invitations",
        anchor="invitations",
    )
    return render(
        request,
        "projects/member_list.html",
        {
            "access": access,
            "project": access.project,
            "page": page,
            "rows": rendered_rows("projects/_member_row.html", rows),
            "query": query,
            "search": search,
            "invitations": invitations,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    # Filled in from an accepted application's page, so the leader need not retype them.
    prefilled = {name: request.GET[name] for name in ("email", "full_name") if name in request.GET}
    form = InvitationForm(request.POST if request.method == "POST" else None, initial=prefilled)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                project=access.project,
                invited_by=request.user,
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
def member_change(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    access, membership = get_membership_for_user(request, pk, membership_pk)
    form = MembershipForm(request.POST if request.method == "POST" else None, instance=membership)
    if request.method == "POST" and form.is_valid():
        # Compare against the stored values, not the form's in-place edits.
        stored = Membership.objects.get(pk=membership.pk)
        try:
            services.membership_change(
                membership=stored,
                actor=request.user,
                role=form.cleaned_data["role"],
                member_type=form.cleaned_data["member_type"],
                expected_version=form.cleaned_data["version"],
            )
        except services.MembershipError as error:
            form.add_error("role", str(error))
        except StaleEdit:
            form = form_after_stale_edit(MembershipForm, request, instance=stored)
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
def member_remove(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    access, membership = get_membership_for_user(request, pk, membership_pk)
    error = None
    if request.method == "POST":
        try:
            services.membership_end(membership=membership, actor=request.user)
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
def invitation_resend(
    request: AuthenticatedHttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    _access, invitation = get_invitation_for_user(request, pk, invitation_pk)
    try:
        services.invitation_resend(
            invitation=invitation,
            actor=request.user,
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
def invitation_withdraw(
    request: AuthenticatedHttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    access, invitation = get_invitation_for_user(request, pk, invitation_pk)
    if request.method == "POST":
        try:
            services.invitation_withdraw(invitation=invitation, actor=request.user)
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
def stakeholder_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def skill_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def skill_offers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member says which of the skills the group needs they bring."""
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members bring skills to a group
    user = request.user
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
def member_access(request: AuthenticatedHttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    """A member's access requirements, for the people in the project who may see them.

    Anyone but the person states why first; the page is shown in answer to that POST and
    the viewing is recorded, so every look at the details leaves a trace.
    """
    access_to_project, membership = get_membership_for_user(
        request, pk, membership_pk, manage=False
    )
    viewer = request.user
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
def onboarding(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    members = (
        Membership.objects.current()
        .filter(project=access.project)
        .select_related("user__profile")
        .annotate(
            expects=Exists(
                Expectation.objects.filter(project=access.project, user=OuterRef("user_id"))
            )
        )
        .order_by("-joined_at", "user__full_name")
    )
    # Members agree to the ground rules themselves: the step is done by their own answer.
    current_rules = rules_services.current_ground_rules(access.project)
    agreed = dict(
        GroundRulesAnswer.objects.filter(version=current_rules, agrees=True).values_list(
            "user_id", "answered_at"
        )
        if current_rules
        else []
    )
    rows = [
        (
            membership,
            [getattr(membership, step) for step in Membership.ONBOARDING_STEPS],
            agreed.get(membership.user_id),
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
def onboarding_member(
    request: AuthenticatedHttpRequest, pk: int, membership_pk: int
) -> HttpResponse:
    access, membership = get_membership_for_user(request, pk, membership_pk)
    form = OnboardingForm(request.POST if request.method == "POST" else None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_onboarding_set(
                membership=membership,
                actor=request.user,
                done=form.done(),
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            membership.refresh_from_db()
            form = plain_form_after_stale_edit(
                OnboardingForm, request, version=membership.version, membership=membership
            )
        else:
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
            "rules_agreed_at": rules_services.member_agreed_at(membership),
            "expectation": Expectation.objects.filter(
                project=access.project, user=membership.user_id
            ).first(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def onboarding_welcome(
    request: AuthenticatedHttpRequest, pk: int, membership_pk: int
) -> HttpResponse:
    _access, membership = get_membership_for_user(request, pk, membership_pk)
    services.membership_welcome(
        membership=membership,
        actor=request.user,
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
def equality_form(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member answers the optional, anonymous equality questions, once."""
    access = get_project_for_user(request, pk)
    if access.membership is None:
        raise PermissionDenied  # only members answer for a group
    user = request.user
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
def equality_summary(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
    request: AuthenticatedHttpRequest,
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
    form, done = versioned_form_submit(
        request,
        form_class,
        item,
        add=lambda item: services.project_item_add(item=item, actor=request.user),
        update=lambda item, changed, version: services.project_item_update(
            item=item, actor=request.user, changed=changed, expected_version=version
        ),
        project=access.project,
    )
    if done:
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
    request: AuthenticatedHttpRequest,
    access: ProjectAccess,
    item: Stakeholder | Skill,
    *,
    template: str,
    list_url: str,
    removed: str,
) -> HttpResponse:
    """Confirm, then take a simple item off a project's page."""
    if request.method == "POST":
        services.project_item_remove(item=item, actor=request.user)
        messages.success(request, removed % {"name": item.name})
        return redirect(list_url, pk=access.project.pk)
    return render(request, template, {"project": access.project, "access": access, "item": item})


@login_required
@require_http_methods(["GET", "POST"])
def stakeholder_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def stakeholder_edit(
    request: AuthenticatedHttpRequest, pk: int, stakeholder_pk: int
) -> HttpResponse:
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
def stakeholder_remove(
    request: AuthenticatedHttpRequest, pk: int, stakeholder_pk: int
) -> HttpResponse:
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
def skill_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def skill_edit(request: AuthenticatedHttpRequest, pk: int, skill_pk: int) -> HttpResponse:
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
def skill_remove(request: AuthenticatedHttpRequest, pk: int, skill_pk: int) -> HttpResponse:
    access, skill = get_skill_for_user(request, pk, skill_pk)
    return _item_remove_page(
        request,
        access,
        skill,
        template="projects/skill_remove.html",
        list_url="projects:skills",
        removed=_("“%(name)s” is off the list."),
    )


@require_http_methods(["GET", "POST"])
@throttling.per_address(throttling.INVITATION_PER_ADDRESS)
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
                login(request, new_user, backend=BACKEND)
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
