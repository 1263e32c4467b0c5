"""After the meeting: closing it, further thoughts while cooling off and their answers,
approving the minutes, the after-meeting check and its trend over time.

Approving the minutes is for the people who lead the project (`can_manage`), not every
facilitator: it makes the record final for the whole group, which is the chair's call.
Facilitators answer further thoughts (`can_answer_input`), which approval waits for.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from meetings import policy
from meetings.forms.after import CheckForm, ConsiderForm, CoolingOffForm
from meetings.lookups import MeetingAccess, get_cooling_off_input_for_user, get_meeting_for_user
from meetings.models import (
    InputKind,
    Meeting,
    MeetingStatus,
    MinutesVersion,
    WrittenInput,
)
from meetings.services import after as services
from meetings.timing import time_on_day
from people.models import Profile
from projects.lookups import get_project_for_user

# How many of the latest closed meetings the chart of after-meeting checks shows.
TREND_MEETINGS = 24


def _context(access: MeetingAccess, **extra: object) -> dict[str, object]:
    return {"access": access, "meeting": access.meeting, "project": access.meeting.project} | extra


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _with_profiles(people: list[User]) -> list[tuple[User, Profile | None]]:
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.filter(user__in=[user.pk for user in people])
    }
    return [(user, profiles.get(user.pk)) for user in people]


# ---------------------------------------------------------------------------------------------
# Closing the meeting


@login_required
@require_http_methods(["GET", "POST"])
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then close a meeting that has been held."""
    access = get_meeting_for_user(request, pk, manage=True)
    meeting = access.meeting
    problem = meeting.close_problem()
    if request.method == "POST" and problem is None:
        try:
            closed = services.meeting_close(
                meeting=meeting, actor=request.user, base_url=_base_url(request)
            )
        except services.AfterMeetingError as error:
            problem = str(error)
        else:
            if not closed.to_contact:
                messages.success(
                    request,
                    _(
                        "The meeting is closed. Members have been told they can add further "
                        "thoughts until %(when)s."
                    )
                    % {"when": time_on_day(meeting.cooling_off_ends_at)},  # type: ignore[arg-type]
                )
                return redirect("meetings:cooling_off", pk=pk)
            return render(
                request,
                "meetings/close_done.html",
                _context(
                    access,
                    ends_words=time_on_day(meeting.cooling_off_ends_at),  # type: ignore[arg-type]
                    to_contact=_with_profiles(closed.to_contact),
                ),
            )
    return render(
        request,
        "meetings/close.html",
        _context(
            access,
            problem=problem,
            hours=meeting.project.cooling_off_hours,
            attendees=len(meeting.attendees()) if problem is None else 0,
        ),
        status=400 if request.method == "POST" and problem else 200,
    )


# ---------------------------------------------------------------------------------------------
# Further thoughts while cooling off


@login_required
@require_http_methods(["GET", "POST"])
def cooling_off(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The window for further thoughts: send one, see yours, and (for those who answer
    them) see everyone's."""
    access = get_meeting_for_user(request, pk)
    meeting = access.meeting
    user = request.user
    problem = meeting.cooling_off_problem()
    # Only current members of the group send thoughts; a coordinator looking in does not.
    can_send = access.membership is not None
    form = CoolingOffForm(request.POST if request.method == "POST" else None, meeting=meeting)
    status = 200
    refused_text = ""
    if request.method == "POST":
        if not can_send:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.cooling_off_input_add(
                    meeting=meeting,
                    author=user,
                    agenda_item=form.cleaned_data["agenda_item"],
                    text=form.cleaned_data["text"],
                    base_url=_base_url(request),
                )
            except services.AfterMeetingError as error:
                form.add_error(None, str(error))
                problem = meeting.cooling_off_problem()
                # Kept on screen, so nothing typed is lost, with the way to the chair.
                refused_text = form.cleaned_data["text"]
            else:
                messages.success(
                    request,
                    _(
                        "Thank you. Your thoughts are sent. The chair or a facilitator will "
                        "consider them and reply before the minutes are approved."
                    ),
                )
                return redirect("meetings:cooling_off", pk=pk)
        status = 400
    inputs = WrittenInput.objects.filter(
        meeting=meeting, kind=InputKind.COOLING_OFF
    ).select_related("author", "agenda_item", "considered_by")
    if not access.can_answer_input:
        inputs = inputs.filter(author=user)
    return render(
        request,
        "meetings/cooling_off.html",
        _context(
            access,
            form=form,
            problem=problem,
            can_send=can_send and problem is None,
            inputs=list(inputs.order_by("sent_at", "pk")),
            ends_words=time_on_day(meeting.cooling_off_ends_at)
            if meeting.cooling_off_ends_at
            else "",
            close_problem=meeting.close_problem() if access.can_manage else None,
            has_minutes=MinutesVersion.objects.filter(meeting=meeting).exists(),
            refused_text=refused_text,
            chairs=services.meeting_chairs(meeting) if refused_text else [],
        ),
        status=status,
    )


def _answered_meanwhile(written: WrittenInput) -> str:
    """Someone else answered first: only one response is sent, and it is theirs."""
    return _(
        "%(responder)s answered these thoughts while you were writing, so your response was "
        "not sent. Theirs is below, and so is what you wrote."
    ) % {"responder": written.considered_by.full_name if written.considered_by else _("Someone")}


@login_required
@require_http_methods(["GET", "POST"])
def cooling_off_consider(request: AuthenticatedHttpRequest, pk: int, input_pk: int) -> HttpResponse:
    """The chair, co-chair or a facilitator answers one person's further thoughts."""
    access, written = get_cooling_off_input_for_user(request, pk, input_pk)
    form = ConsiderForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and written.considered_at is not None:
        form.is_valid()
        form.add_error(None, _answered_meanwhile(written))
    elif request.method == "POST" and form.is_valid():
        try:
            to_contact = services.written_input_consider(
                written=written,
                actor=request.user,
                response=form.cleaned_data["response"],
                base_url=_base_url(request),
            )
        except services.AfterMeetingError as error:
            written.refresh_from_db()
            form.add_error(
                None, _answered_meanwhile(written) if written.considered_at else str(error)
            )
        else:
            if to_contact:
                messages.warning(
                    request,
                    _(
                        "Your response is saved. %(person)s does not take email: tell them "
                        "your response by phone, text or post."
                    )
                    % {"person": written.author.full_name},
                )
            else:
                messages.success(
                    request,
                    _("Your response is saved and %(person)s has been sent it by email.")
                    % {"person": written.author.full_name},
                )
            return redirect("meetings:cooling_off", pk=pk)
    return render(
        request,
        "meetings/cooling_off_consider.html",
        _context(access, form=form, written=written),
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Approving the minutes


@login_required
@require_http_methods(["GET", "POST"])
def minutes_approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    meeting = access.meeting
    problems = meeting.minutes_approval_problems()
    if request.method == "POST" and not problems:
        try:
            services.minutes_approve(meeting=meeting, actor=request.user)
        except services.AfterMeetingError as error:
            problems = [str(error)]
        else:
            messages.success(request, _("The minutes are approved. Decisions are now final."))
            return redirect("meetings:cooling_off", pk=pk)
    return render(
        request,
        "meetings/minutes_approve.html",
        _context(access, problems=problems),
        status=400 if request.method == "POST" and problems else 200,
    )


# ---------------------------------------------------------------------------------------------
# The after-meeting check


@login_required
@require_http_methods(["GET", "POST"])
def check(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A few questions on how the group is working, for each person who came."""
    access = get_meeting_for_user(request, pk)
    meeting = access.meeting
    user = request.user
    problem = meeting.check_problem(user)
    form = CheckForm(request.POST if request.method == "POST" and problem is None else None)
    if request.method == "POST" and problem is None and form.is_valid():
        try:
            services.check_submit(
                meeting=meeting,
                user=user,
                answers=form.cleaned_data,
                anonymous=form.cleaned_data["anonymous"],
            )
        except services.AfterMeetingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Thank you. Your answers are sent."))
            return redirect("meetings:check", pk=pk)
    return render(
        request,
        "meetings/check.html",
        _context(
            access,
            form=form,
            problem=problem,
            full_review=services.is_full_review(meeting) if problem is None else False,
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def check_answers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What the people who came said, for the chair, co-chair and facilitators, who look
    after how the group works. Worries come first, so nobody misses one."""
    access = get_meeting_for_user(request, pk)
    if not access.can_answer_input:
        raise PermissionDenied
    summary = services.check_summary(access.meeting)
    return render(
        request,
        "meetings/check_answers.html",
        _context(
            access,
            summary=summary,
            minimum=services.CHECK_PRIVACY_MINIMUM,
            ratings=[
                (services.SHORT_LABELS[name], summary.averages[name])
                for name in services.RATING_FIELDS
            ]
            if summary.averages
            else [],
        ),
    )


@login_required
@require_GET
def project_checks(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    """How the group feels it is working, meeting by meeting, as a chart and a table."""
    project_access = get_project_for_user(request, project_pk)
    closed = Meeting.objects.filter(project=project_access.project, status=MeetingStatus.CLOSED)
    # The latest meetings only, oldest of them first: a chart of every meeting a group ever
    # held would grow without end and be unreadable long before.
    meetings = list(closed.order_by("-closed_at", "-pk")[:TREND_MEETINGS])[::-1]
    held = closed.count() if len(meetings) == TREND_MEETINGS else len(meetings)
    rows = services.check_trend(meetings)
    # The same count `services.is_full_review` makes, for every meeting at once.
    every = project_access.project.full_review_every
    first_number = held - len(meetings) + 1
    full_reviews = {
        meeting.pk
        for number, meeting in enumerate(meetings, start=first_number)
        if number % every == 0
    }
    return render(
        request,
        "meetings/checks_trend.html",
        {
            "access": project_access,
            "project": project_access.project,
            "rows": rows,
            "full_reviews": full_reviews,
            "can_read_answers": policy.can_answer_written_input(
                request.user, project_access.membership
            ),
            "chart": services.check_chart(rows) if rows else None,
            "any_enough": any(row.enough for row in rows),
            "minimum": services.CHECK_PRIVACY_MINIMUM,
            "held": held,
        },
    )
