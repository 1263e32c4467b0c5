"""Planning meetings: the project's meetings, the meeting page, creating, changing and
cancelling a meeting, the venues catalogue, and finding a date."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from coproduce.lib.concurrency import StaleEdit, form_after_stale_edit
from coproduce.lib.fragments import rendered_rows
from coproduce.lib.pagination import Counted, paginate
from meetings import policy
from meetings.access_plan import access_plan
from meetings.forms.planning import (
    CancelForm,
    DateAnswersForm,
    DateOptionForm,
    MeetingForm,
    VenueForm,
    VenueSearchForm,
)
from meetings.lookups import (
    MeetingAccess,
    get_date_option_for_user,
    get_meeting_for_user,
    get_venue_for_user,
)
from meetings.models import (
    OPEN_STATUSES,
    PAPER_FORMAT_ORDER,
    AgendaItem,
    DateAnswer,
    DateOption,
    Invitee,
    ItemPurpose,
    Meeting,
    MeetingStatus,
    Paper,
    PaperFormat,
    Reply,
    Venue,
)
from meetings.services import agenda as agenda_services
from meetings.services import planning as services
from meetings.timing import duration_words
from projects.lookups import get_project_for_user
from projects.models import Membership

# The meeting's own fields the form can change; `venue` is saved as its id.
MEETING_FIELDS = [
    "title",
    "purpose",
    "format",
    "venue",
    "video_link",
    "phone_dial_in",
    "video_captions",
    "agenda_shows_ground_rules",
    "starts_at",
    "ends_at",
]


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _tell_by_other_means(request: AuthenticatedHttpRequest, to_contact: list[User]) -> None:
    if to_contact:
        messages.warning(
            request,
            _(
                "These people asked not to get email, or have no email address: "
                "%(names)s. Tell them about the change by phone or post."
            )
            % {"names": ", ".join(user.full_name for user in to_contact)},
        )


def _warn_about_notice(request: AuthenticatedHttpRequest, meeting: Meeting) -> None:
    if warning := services.papers_notice_warning(meeting.starts_at):
        messages.warning(request, warning)


# ---------------------------------------------------------------------------------------------
# The project's meetings and the meeting page


def _papers_shown(meeting: Meeting) -> list[tuple[str, bool, list[str]]]:
    """(title, late, its formats' names) of each paper, from one query of plain values."""
    labels = {value: str(label) for value, label in PaperFormat.choices}
    found: dict[int, tuple[str, bool, list[str]]] = {}
    for pk, title, late, paper_format in Paper.objects.filter(meeting=meeting).values_list(
        "pk", "title", "late", "versions__format"
    ):
        formats = found.setdefault(pk, (title, late, []))[2]
        if paper_format is not None:
            formats.append(paper_format)
    return [
        (title, late, [labels[f] for f in sorted(formats, key=PAPER_FORMAT_ORDER.__getitem__)])
        for title, late, formats in found.values()
    ]


def _agenda_shown(
    meeting: Meeting,
) -> tuple[list[tuple[datetime.datetime | None, int | None, str, str, str]], int]:
    """(starts at, number, title, purpose, presenter) of each item, and the minutes in all."""
    labels = {value: str(label) for value, label in ItemPurpose.choices}
    items = list(
        AgendaItem.objects.filter(meeting=meeting).values_list(
            "title", "purpose", "minutes", "presenter__full_name"
        )
    )
    starts = agenda_services.item_starts(
        meeting, [(minutes, purpose == ItemPurpose.BREAK) for _t, purpose, minutes, _p in items]
    )
    rows = [
        (starts_at, None if purpose == ItemPurpose.BREAK else number, title, labels[purpose], who)
        for (title, purpose, _minutes, who), (number, starts_at) in zip(items, starts, strict=True)
    ]
    return rows, sum(minutes for _t, _p, minutes, _w in items)


def _meeting_shown(meeting: Meeting) -> dict[str, object]:
    """The meeting as plain values, under the names its templates read."""
    return {
        "pk": meeting.pk,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "status": meeting.status,
        "get_status_display": meeting.get_status_display(),
        "get_format_display": meeting.get_format_display(),
        "meets_in_person": meeting.meets_in_person,
    }


def _meeting_row(meeting: Meeting, *, upcoming: bool) -> dict[str, object]:
    """What a list shows of one meeting, as plain values: it is drawn from these alone."""
    return {
        "coming_up": upcoming,
        "meeting": _meeting_shown(meeting)
        | {"venue": {"name": meeting.venue.name} if meeting.venue else None},
    }


@login_required
@require_GET
def meeting_list(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_project_for_user(request, project_pk)
    meetings = (
        Meeting.objects.filter(project=access.project)
        .select_related("venue")
        .only("title", "starts_at", "ends_at", "status", "format", "venue__name")
    )
    # Both lists grow with every meeting, so each has pages of its own.
    now = timezone.now()
    upcoming = meetings.upcoming(now)
    # Past meetings, and cancelled ones, newest first.
    past = meetings.past(now).order_by("-starts_at", "-pk")
    # Both lists counted in one query.
    coming_count, past_count = meetings.counted(now)
    upcoming_page = paginate(
        request, Counted(upcoming, coming_count), param="upcoming", anchor="coming-up"
    )
    past_page = paginate(request, Counted(past, past_count), anchor="past")
    coming = [_meeting_row(meeting, upcoming=True) for meeting in upcoming_page]
    # Both lists' rows from the cache at once.
    rows = rendered_rows(
        "meetings/_meeting_row.html",
        coming + [_meeting_row(meeting, upcoming=False) for meeting in past_page],
    )
    return render(
        request,
        "meetings/list.html",
        {
            "access": access,
            "project": access.project,
            "upcoming": upcoming_page,
            "upcoming_rows": rows[: len(coming)],
            "page": past_page,
            "past_rows": rows[len(coming) :],
        },
    )


@login_required
@require_GET
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    meeting = access.meeting
    rows, total = _agenda_shown(meeting)
    # Everyone invited, once: for the counts of replies and for the access plan.
    invited = list(
        Invitee.objects.filter(meeting=meeting)
        .order_by()
        .only("meeting_id", "user_id", "member_type", "reply", "way", "invited_at")
    )
    replies = {
        "invited": len(invited),
        "coming": sum(invitee.reply == Reply.COMING for invitee in invited),
        "apologies": sum(invitee.reply == Reply.APOLOGIES for invitee in invited),
        "waiting": sum(invitee.reply == Reply.NONE for invitee in invited),
        "sent": sum(invitee.invited_at is not None for invitee in invited),
    }
    # One plan for the status line and the person's own needs, so they agree.
    plan = access_plan(meeting, invited) if meeting.is_open else None
    venue = meeting.venue if meeting.meets_in_person else None
    is_cancelled = meeting.status == MeetingStatus.CANCELLED
    invitee = access.invitee
    shown = {
        "meeting": _meeting_shown(meeting)
        | {
            "purpose": meeting.purpose,
            "meets_online": meeting.meets_online,
            "video_link": meeting.video_link,
            "video_captions": meeting.video_captions,
            "phone_dial_in": meeting.phone_dial_in,
            "venue": (
                {
                    "name": meeting.venue.name,
                    "address": meeting.venue.address,
                    "directions": meeting.venue.directions,
                    "capacity": meeting.venue.capacity,
                }
                if meeting.venue
                else None
            ),
        },
        "access": {
            "can_manage": access.can_manage,
            "invitee": (
                {
                    "reply": invitee.reply,
                    "way": invitee.way,
                    "get_way_display": invitee.get_way_display(),
                }
                if invitee is not None
                else None
            ),
        },
        "rows": rows,
        "total_words": duration_words(total) if rows else None,
        "papers": _papers_shown(meeting),
        "replies": replies,
        "venue_features": services.venue_feature_labels(venue) if venue else [],
        "over_capacity": venue is not None and replies["invited"] > venue.capacity,
        "can_see_link": access.can_manage or invitee is not None,
        "is_cancelled": is_cancelled,
        "cancel_reason": meeting.cancel_reason if is_cancelled else "",
        "can_change": access.can_manage and meeting.is_open,
        "plan": plan is not None,
        "access_hide": plan is None,
        "access_complete": plan is not None and plan.complete,
        "my_needs": [
            {
                "need_type": {"name": need.need_type.name},
                "status": {"tag_class": need.status.tag_class, "label": need.status.label},
                "words": need.words,
            }
            for need in (plan.needs_of(invitee) if plan is not None and invitee is not None else [])
        ],
    }
    return render(
        request,
        "meetings/detail.html",
        {
            "access": access,
            "meeting": meeting,
            "project": meeting.project,
            "replies": replies,
            "summary": rendered_rows("meetings/_meeting_summary.html", [shown])[0],
        },
    )


# ---------------------------------------------------------------------------------------------
# Planning, changing and cancelling a meeting


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_project_for_user(request, project_pk, manage=True)
    form = MeetingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_create(
                meeting=form.instance, project=access.project, actor=request.user
            )
        except services.PlanningError as problem:
            form.add_error("venue", str(problem))
        else:
            messages.success(
                request,
                _("“%(title)s” is planned. Next, add the agenda and invite people.")
                % {"title": form.instance.title},
            )
            _warn_about_notice(request, form.instance)
            return redirect("meetings:detail", pk=form.instance.pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"access": access, "project": access.project, "form": form, "meeting": None},
        status=400 if form.errors else 200,
    )


def _refuse_cancelled(
    request: AuthenticatedHttpRequest, access: MeetingAccess
) -> HttpResponse | None:
    if (problem := access.meeting.change_problem()) is None:
        return None
    messages.error(request, problem)
    return redirect("meetings:detail", pk=access.meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    if refused := _refuse_cancelled(request, access):
        return refused
    meeting = access.meeting
    stored = {name: getattr(meeting, name) for name in MEETING_FIELDS}
    form = MeetingForm(request.POST if request.method == "POST" else None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        changes = {
            name: getattr(meeting, name)
            for name in MEETING_FIELDS
            if getattr(meeting, name) != stored[name]
        }
        try:
            to_contact = services.meeting_update(
                meeting=meeting,
                actor=request.user,
                changes=changes,
                expected_version=form.cleaned_data["version"],
                base_url=_base_url(request),
            )
        except StaleEdit:
            fresh = Meeting.objects.select_related("project", "venue").get(pk=pk)
            form = form_after_stale_edit(MeetingForm, request, instance=fresh)
        except services.PlanningError as problem:
            form.add_error("venue", str(problem))
        else:
            messages.success(request, _("The meeting is saved."))
            if "starts_at" in changes:
                _warn_about_notice(request, meeting)
            _tell_by_other_means(request, to_contact)
            return redirect("meetings:detail", pk=pk)
    return render(
        request,
        "meetings/meeting_form.html",
        {"access": access, "project": meeting.project, "form": form, "meeting": meeting},
        status=400 if form.errors else 200,
    )


def _already_cancelled(meeting: Meeting) -> str:
    return _(
        "This meeting was already cancelled, so nothing more was sent. The reason given: %(reason)s"
    ) % {"reason": meeting.cancel_reason}


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    if request.method == "POST" and access.meeting.status == MeetingStatus.CANCELLED:
        # Someone else cancelled it first (or this was sent twice): nothing is sent again.
        messages.error(request, _already_cancelled(access.meeting))
        return redirect("meetings:detail", pk=pk)
    if refused := _refuse_cancelled(request, access):
        return refused
    form = CancelForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            to_contact = services.meeting_cancel(
                meeting=access.meeting,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                base_url=_base_url(request),
            )
        except services.PlanningError as problem:
            access.meeting.refresh_from_db(fields=["status", "cancel_reason"])
            cancelled = access.meeting.status == MeetingStatus.CANCELLED
            messages.error(
                request, _already_cancelled(access.meeting) if cancelled else str(problem)
            )
        else:
            messages.success(
                request,
                _(
                    "“%(title)s” is cancelled. Anyone already invited gets an email that "
                    "takes it out of their calendar."
                )
                % {"title": access.meeting.title},
            )
            _tell_by_other_means(request, to_contact)
        return redirect("meetings:detail", pk=pk)
    return render(
        request,
        "meetings/meeting_cancel.html",
        {
            "access": access,
            "meeting": access.meeting,
            "project": access.meeting.project,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Venues


VENUE_FIELDS = ["name", "address", "directions", "capacity", "notes", *Venue.FEATURES]


@login_required
@require_GET
def venue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    can_manage = policy.can_manage_venues(user)
    venues = Venue.objects.annotate(
        upcoming_count=Count(
            "meetings",
            filter=Q(
                meetings__status__in=OPEN_STATUSES,
                meetings__starts_at__gte=timezone.now(),
            ),
        )
    ).order_by("-is_active", "name", "pk")
    if not can_manage:
        venues = venues.filter(is_active=True)
    search = VenueSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    if query:
        venues = venues.filter(name__icontains=query)
    page = paginate(request, venues)
    for venue in page:
        venue.feature_labels = services.venue_feature_labels(venue)
    return render(
        request,
        "meetings/venue_list.html",
        {"page": page, "query": query, "search": search, "can_manage": can_manage},
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_manage_venues(request.user):
        raise PermissionDenied
    form = VenueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.venue_create(venue=form.instance, actor=request.user)
        messages.success(request, _("“%(name)s” is added.") % {"name": form.instance.name})
        return redirect("meetings:venues")
    return render(
        request,
        "meetings/venue_form.html",
        {"form": form, "venue": None},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    venue = get_venue_for_user(request, pk, manage=True)
    stored = {name: getattr(venue, name) for name in VENUE_FIELDS}
    form = VenueForm(request.POST if request.method == "POST" else None, instance=venue)
    if request.method == "POST" and form.is_valid():
        changed = [name for name in VENUE_FIELDS if getattr(venue, name) != stored[name]]
        try:
            services.venue_update(
                venue=venue,
                actor=request.user,
                changed=changed,
                expected_version=form.cleaned_data["version"],
            )
        except StaleEdit:
            form = form_after_stale_edit(VenueForm, request, instance=Venue.objects.get(pk=pk))
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": venue.name})
            return redirect("meetings:venues")
    return render(
        request,
        "meetings/venue_form.html",
        {"form": form, "venue": Venue.objects.get(pk=pk)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def venue_retire(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    venue = get_venue_for_user(request, pk, manage=True)
    if request.method == "POST":
        services.venue_retire(venue=venue, actor=request.user)
        messages.success(
            request,
            _("“%(name)s” is no longer offered for new meetings.") % {"name": venue.name},
        )
        return redirect("meetings:venues")
    upcoming = list(
        venue.meetings.filter(
            status__in=OPEN_STATUSES,
            starts_at__gte=timezone.now(),
        ).select_related("project")
    )
    return render(request, "meetings/venue_retire.html", {"venue": venue, "upcoming": upcoming})


@login_required
@require_POST
def venue_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    venue = get_venue_for_user(request, pk, manage=True)
    services.venue_restore(venue=venue, actor=request.user)
    messages.success(
        request, _("“%(name)s” is offered for new meetings again.") % {"name": venue.name}
    )
    return redirect("meetings:venues")


# ---------------------------------------------------------------------------------------------
# Finding a date


def _can_answer(access: MeetingAccess) -> bool:
    return access.membership is not None or access.invitee is not None


@login_required
@require_http_methods(["GET", "POST"])
def date_poll(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    meeting = access.meeting
    user = request.user
    options = list(
        DateOption.objects.filter(meeting=meeting).prefetch_related(
            Prefetch(
                "answers",
                queryset=DateAnswer.objects.select_related("user").order_by("user__full_name"),
            )
        )
    )
    results = services.poll_results(options)
    labels = {
        option.pk: services.when_words(option.starts_at, option.ends_at) for option in options
    }
    mine = {
        answer.option_id: answer.answer
        for option in options
        for answer in option.answers.all()
        if answer.user_id == user.pk
    }
    is_open = meeting.date_poll_open
    can_answer = is_open and _can_answer(access)
    to_come = [result.option for result in results if not result.is_past]
    form = DateAnswersForm(
        request.POST if request.method == "POST" else None,
        options=to_come if can_answer else [],
        current=mine,
        labels=labels,
    )
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied
        if form.is_valid():
            saved = services.date_answers_save(meeting=meeting, user=user, answers=form.answers())
            if saved:
                messages.success(request, _("Thank you. Your answers are saved."))
            else:
                messages.warning(request, _("You did not choose any answers, so nothing changed."))
            return redirect("meetings:date_poll", pk=pk)
    answered = {answer.user_id for option in options for answer in option.answers.all()}
    waiting = (
        list(
            Membership.objects.current()
            .filter(project=meeting.project)
            .exclude(user__in=answered)
            .select_related("user")
            .order_by("user__full_name")
        )
        if access.can_manage and is_open and options
        else []
    )
    return render(
        request,
        "meetings/date_poll.html",
        {
            "access": access,
            "meeting": meeting,
            "project": meeting.project,
            "results": results,
            "labels": labels,
            "form": form,
            "is_open": is_open,
            "can_answer": can_answer,
            "waiting": waiting,
        },
        status=400 if form.errors else 200,
    )


def _closed_poll(request: AuthenticatedHttpRequest, access: MeetingAccess) -> HttpResponse | None:
    if access.meeting.date_poll_open:
        return None
    messages.error(request, _("The meeting already has a date, or is no longer being planned."))
    return redirect("meetings:date_poll", pk=access.meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def date_option_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    if closed := _closed_poll(request, access):
        return closed
    form = DateOptionForm(
        request.POST if request.method == "POST" else None, meeting=access.meeting
    )
    if request.method == "POST" and form.is_valid():
        option = DateOption(
            meeting=access.meeting,
            starts_at=form.cleaned_data["starts_at"],
            ends_at=form.cleaned_data["ends_at"],
        )
        services.date_option_add(option=option, actor=request.user)
        messages.success(
            request,
            _("%(when)s is offered.")
            % {"when": services.when_words(option.starts_at, option.ends_at)},
        )
        if "add_another" in request.POST:
            return redirect("meetings:date_option_add", pk=pk)
        return redirect("meetings:date_poll", pk=pk)
    return render(
        request,
        "meetings/date_option_form.html",
        {
            "access": access,
            "meeting": access.meeting,
            "project": access.meeting.project,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def date_option_remove(request: AuthenticatedHttpRequest, pk: int, option_pk: int) -> HttpResponse:
    access, option = get_date_option_for_user(request, pk, option_pk, manage=True)
    if closed := _closed_poll(request, access):
        return closed
    when = services.when_words(option.starts_at, option.ends_at)
    if request.method == "POST":
        services.date_option_remove(option=option, actor=request.user)
        messages.success(request, _("%(when)s is no longer offered.") % {"when": when})
        return redirect("meetings:date_poll", pk=pk)
    return render(
        request,
        "meetings/date_option_remove.html",
        {
            "access": access,
            "meeting": access.meeting,
            "project": access.meeting.project,
            "option": option,
            "when": when,
            "answer_count": option.answers.count(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def date_choose(request: AuthenticatedHttpRequest, pk: int, option_pk: int) -> HttpResponse:
    access, option = get_date_option_for_user(request, pk, option_pk, manage=True)
    if closed := _closed_poll(request, access):
        return closed
    when = services.when_words(option.starts_at, option.ends_at)
    error = None
    if request.method == "POST":
        try:
            to_contact = services.date_choose(
                meeting=access.meeting,
                option=option,
                actor=request.user,
                base_url=_base_url(request),
            )
        except services.PlanningError as problem:
            error = str(problem)
        else:
            messages.success(request, _("The meeting is on %(when)s.") % {"when": when})
            _warn_about_notice(request, access.meeting)
            _tell_by_other_means(request, to_contact)
            return redirect("meetings:detail", pk=pk)
    results = services.poll_results(
        DateOption.objects.filter(pk=option.pk).prefetch_related("answers__user")
    )
    return render(
        request,
        "meetings/date_choose.html",
        {
            "access": access,
            "meeting": access.meeting,
            "project": access.meeting.project,
            "option": option,
            "result": results[0],
            "when": when,
            "error": error,
            "invited": access.meeting.invitees.filter(invited_at__isnull=False).exists(),
            "notice_warning": services.papers_notice_warning(option.starts_at),
        },
        status=400 if error else 200,
    )
