"""A meeting's access plan: what everyone taking part needs, and how each need is met.

Who sees what, and why:
- The people who plan the meeting (`MeetingAccess.can_manage`: the group's chair, co-chair
  and coordinators, and the organisation's coordinators) see the whole plan, because they
  book the support. Needs are shown by member type and count ("1 person with lived
  experience"), never by name: a chair has no reason to know whose need it is to book a
  loop.
- Who needs what is special-category data. It is shown only on a separate page, only to
  organisers, only for the people `projects.policy.can_see_access_needs` allows, and only
  after the organiser states why; each person shown is recorded in the audit log as
  `access.viewed`, exactly as on a member's own access requirements page.
- Other members of the group see only whether the meeting's access plan is complete, and a
  link to check their own requirements: enough to trust that their needs are in hand,
  without learning anyone else's.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit, versioned_form_submit
from meetings.access_plan import AccessPlan, Status, access_plan
from meetings.forms.access import ArrangementForm, MarkReadyForm, UnmetNeedReasonForm
from meetings.lookups import (
    MeetingAccess,
    get_arrangement_for_user,
    get_meeting_for_user,
    get_need_type_for_meeting,
)
from meetings.models import Arrangement, Invitee, MeetingStatus, UnmetNeedReason
from meetings.services import access as services
from people import services as people_services
from people.forms import ViewingPurposeForm
from projects import policy as project_policy


def _context(access: MeetingAccess, **extra: object) -> dict[str, object]:
    return {
        "access": access,
        "meeting": access.meeting,
        "project": access.meeting.project,
        # A held or cancelled meeting's plan is a record: it no longer changes.
        "can_change": access.meeting.is_open,
    } | extra


def _plan_url(access: MeetingAccess, anchor: str = "") -> str:
    url = reverse("meetings:access_plan", args=[access.meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def _closed_redirect(
    request: AuthenticatedHttpRequest, access: MeetingAccess
) -> HttpResponse | None:
    if access.meeting.is_open:
        return None
    messages.error(
        request,
        _("This meeting is %(status)s, so its access plan can no longer change.")
        % {"status": access.meeting.get_status_display().lower()},
    )
    return redirect(_plan_url(access))


def _plan_page(
    request: AuthenticatedHttpRequest,
    access: MeetingAccess,
    plan: AccessPlan,
    ready_form: MarkReadyForm | None = None,
    status: int = 200,
    summary_links: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    meeting = access.meeting
    return render(
        request,
        "meetings/access_plan.html",
        _context(
            access,
            plan=plan,
            form=ready_form or MarkReadyForm(needs_checking=bool(plan.to_check)),
            # A ready meeting whose plan has since gone wrong should go back to planning.
            ready_but_unmet=meeting.status == MeetingStatus.READY and not plan.complete,
            summary_links=summary_links or [],
        ),
        status=status,
    )


@never_cache
@login_required
@require_GET
def access_plan_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    plan = access_plan(access.meeting)
    if not access.can_manage:
        return render(
            request, "meetings/access_plan_summary.html", _context(access, complete=plan.complete)
        )
    return _plan_page(request, access, plan)


def _already_ready(request: AuthenticatedHttpRequest, access: MeetingAccess) -> HttpResponse:
    # Someone else marked it ready first (or this was sent twice): nothing more to do.
    messages.info(request, _("This meeting is already marked ready, so nothing changed."))
    return redirect(_plan_url(access))


@login_required
@require_POST
def mark_ready(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    plan = access_plan(access.meeting)
    form = MarkReadyForm(request.POST, needs_checking=bool(plan.to_check))
    problem = access.meeting.ready_problem()
    if access.meeting.status == MeetingStatus.READY:
        return _already_ready(request, access)
    if not plan.complete or problem:
        # Say everything that stands in the way at once, not one thing per attempt.
        form.is_valid()
        if problem:
            form.add_error(None, problem)
        if not plan.complete:
            form.add_error(None, services.unmet_error(plan))
    elif form.is_valid():
        try:
            done = services.meeting_mark_ready(meeting=access.meeting, actor=request.user)
        except services.AccessPlanError as error:
            access.meeting.refresh_from_db(fields=["status"])
            if access.meeting.status == MeetingStatus.READY:
                return _already_ready(request, access)
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("“%(title)s” is marked ready.") % {"title": access.meeting.title}
            )
            if done.unconfirmed:
                messages.warning(
                    request,
                    _(
                        "Some support is booked but not confirmed yet. Check with the provider "
                        "before the meeting."
                    ),
                )
            return redirect(_plan_url(access))
    # Each unmet need gets its own line in the error summary, linking to its row.
    plan = access_plan(access.meeting)
    return _plan_page(request, access, plan, form, status=400, summary_links=plan.unmet_links)


@login_required
@require_POST
def back_to_planning(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    try:
        services.meeting_back_to_planning(meeting=access.meeting, actor=request.user)
    except services.AccessPlanError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("“%(title)s” is back to being planned.") % {"title": access.meeting.title},
        )
    return redirect(_plan_url(access))


# ---------------------------------------------------------------------------------------------
# Who needs what: names, for the few who may see them


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def access_plan_people(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Names against needs, after the organiser says why. Each person shown is audited."""
    access = get_meeting_for_user(request, pk, manage=True)
    form = ViewingPurposeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        viewer = request.user
        plan = access_plan(access.meeting)
        invitees: dict[int, Invitee] = {
            invitee.pk: invitee for row in plan.rows for invitee in row.invitees
        }
        prefetch_related_objects(list(invitees.values()), "user__profile")
        visible = {
            pk
            for pk, invitee in invitees.items()
            if project_policy.can_see_access_needs(
                viewer,
                access.membership,
                invitee.user,
                getattr(invitee.user, "profile", None),
            )
        }
        purpose = form.stated_purpose()
        for invitee_pk in sorted(visible):
            person = invitees[invitee_pk].user
            if person.pk != viewer.pk:
                people_services.access_needs_viewed(
                    viewer=viewer, person=person, project=access.meeting.project, purpose=purpose
                )
        rows = [
            {
                "row": row,
                "names": [i.user.full_name for i in row.invitees if i.pk in visible],
                "hidden": sum(1 for i in row.invitees if i.pk not in visible),
            }
            for row in plan.rows
            if row.status != Status.NOT_APPLICABLE
        ]
        return render(
            request,
            "meetings/access_plan_people.html",
            _context(access, plan=plan, rows=rows, anyone_visible=bool(visible)),
        )
    return render(
        request,
        "meetings/access_plan_purpose.html",
        _context(access, form=form),
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Support booked


def _arrangement_page(
    request: AuthenticatedHttpRequest, access: MeetingAccess, arrangement: Arrangement
) -> HttpResponse:
    if closed := _closed_redirect(request, access):
        return closed
    actor = request.user
    form, done = versioned_form_submit(
        request,
        ArrangementForm,
        arrangement,
        add=lambda saved: services.arrangement_add(arrangement=saved, actor=actor),
        update=lambda saved, changed, version: services.arrangement_update(
            arrangement=saved, actor=actor, changed=changed, expected_version=version
        ),
    )
    if done:
        saved = form.instance
        messages.success(request, _("%(kind)s is saved.") % {"kind": saved.get_kind_display()})
        return redirect(_plan_url(access, f"arrangement-{saved.pk}"))
    return render(
        request,
        "meetings/access_plan_arrangement_form.html",
        _context(access, form=form, arrangement=arrangement),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def arrangement_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    return _arrangement_page(request, access, Arrangement(meeting=access.meeting))


@login_required
@require_http_methods(["GET", "POST"])
def arrangement_edit(
    request: AuthenticatedHttpRequest, pk: int, arrangement_pk: int
) -> HttpResponse:
    access, arrangement = get_arrangement_for_user(request, pk, arrangement_pk)
    return _arrangement_page(request, access, arrangement)


@login_required
@require_http_methods(["GET", "POST"])
def arrangement_remove(
    request: AuthenticatedHttpRequest, pk: int, arrangement_pk: int
) -> HttpResponse:
    access, arrangement = get_arrangement_for_user(request, pk, arrangement_pk)
    if closed := _closed_redirect(request, access):
        return closed
    if request.method == "POST":
        services.arrangement_remove(arrangement=arrangement, actor=request.user)
        messages.success(
            request,
            _("The booking is removed: %(kind)s.") % {"kind": arrangement.get_kind_display()},
        )
        return redirect(_plan_url(access))
    return render(
        request,
        "meetings/access_plan_arrangement_remove.html",
        _context(access, arrangement=arrangement),
    )


# ---------------------------------------------------------------------------------------------
# Needs that cannot be met


@login_required
@require_http_methods(["GET", "POST"])
def unmet_reason(request: AuthenticatedHttpRequest, pk: int, need_type_pk: int) -> HttpResponse:
    """Record, or change, why a need cannot be met and what was offered instead."""
    access, need_type, reason = get_need_type_for_meeting(request, pk, need_type_pk)
    if closed := _closed_redirect(request, access):
        return closed
    plan = access_plan(access.meeting)
    rows = [row for row in plan.rows if row.need_type.pk == need_type.pk]
    if reason is None and not any(row.status == Status.UNMET for row in rows):
        messages.info(
            request,
            _("“%(need)s” is not an unmet need at this meeting, so it needs no reason.")
            % {"need": need_type.name},
        )
        return redirect(_plan_url(access))
    instance = reason or UnmetNeedReason(meeting=access.meeting, need_type=need_type)
    form = UnmetNeedReasonForm(
        request.POST if request.method == "POST" else None, instance=instance
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.unmet_reason_save(
                reason=form.instance,
                actor=request.user,
                expected_version=form.cleaned_data.get("version"),
            )
        except services.AccessPlanError as error:
            form.add_error(None, str(error))
        except StaleEdit:
            stored = UnmetNeedReason.objects.get(pk=instance.pk)
            form = form_after_stale_edit(UnmetNeedReasonForm, request, instance=stored)
        else:
            messages.success(
                request,
                _("The reason “%(need)s” cannot be met is recorded.") % {"need": need_type.name},
            )
            return redirect(_plan_url(access, "needs-heading"))
    return render(
        request,
        "meetings/access_plan_reason_form.html",
        _context(
            access,
            form=form,
            need_type=need_type,
            reason=reason,
            rows=[row for row in rows if row.status in (Status.UNMET, Status.REASON)],
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def unmet_reason_remove(
    request: AuthenticatedHttpRequest, pk: int, need_type_pk: int
) -> HttpResponse:
    access, need_type, reason = get_need_type_for_meeting(request, pk, need_type_pk)
    if closed := _closed_redirect(request, access):
        return closed
    if reason is None:
        return redirect(_plan_url(access))
    if request.method == "POST":
        services.unmet_reason_remove(reason=reason, actor=request.user)
        messages.success(
            request,
            _("The reason for “%(need)s” is removed.") % {"need": need_type.name},
        )
        return redirect(_plan_url(access))
    return render(
        request,
        "meetings/access_plan_reason_remove.html",
        _context(access, need_type=need_type, reason=reason),
    )
