"""A meeting's record: who came, the minutes and their versions, decisions, action points,
who contributed, and the equal-voice figures that come from them.

Every member of the project reads the record; leaders and minute-takers keep it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from coproduce.lib.concurrency import STALE_EDIT_MESSAGE, StaleEdit, form_after_stale_edit
from coproduce.lib.fragments import rendered_rows
from coproduce.lib.pagination import paginate
from meetings.forms.record import (
    ADD,
    ActionPointForm,
    AttendanceForm,
    AttendeesAddForm,
    ContributionCountForm,
    ContributionsForm,
    DecisionForm,
    MinutesForm,
)
from meetings.lookups import (
    MeetingAccess,
    get_action_point_for_user,
    get_agenda_item_for_user,
    get_decision_for_user,
    get_meeting_for_user,
)
from meetings.models import (
    ActionPoint,
    AgendaItem,
    Contribution,
    Decision,
    InputKind,
    Invitee,
    ItemPurpose,
    MinutesVersion,
    WrittenInput,
)
from meetings.services import record as services
from projects.lookups import get_project_for_user

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _context(access: MeetingAccess, **extra: Any) -> dict[str, Any]:
    return {
        "access": access,
        "meeting": access.meeting,
        "project": access.meeting.project,
        **extra,
    }


def _record_url(meeting_pk: int, anchor: str = "") -> str:
    url = reverse("meetings:record", args=[meeting_pk])
    return f"{url}#{anchor}" if anchor else url


# ---------------------------------------------------------------------------------------------
# The record page


@login_required
@require_GET
def record_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    shown = services.record_shown(
        access.meeting, can_take_minutes=access.can_take_minutes, user_pk=request.user.pk
    )
    [body] = rendered_rows("meetings/_record_body.html", [shown], request)
    return render(request, "meetings/record.html", _context(access, body=body))


# ---------------------------------------------------------------------------------------------
# Attendance


@login_required
@require_http_methods(["GET", "POST"])
def attendance(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, minutes=True)
    meeting = access.meeting
    problem = meeting.record_problem()
    invitees = list(Invitee.objects.filter(meeting=meeting).select_related("user"))
    form = AttendanceForm(request.POST if request.method == "POST" else None, invitees=invitees)
    status = 200
    if request.method == "POST":
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif form.is_valid():
            try:
                services.attendance_save(
                    meeting=meeting,
                    actor=request.user,
                    attended=form.attended(),
                    ways=form.ways(),
                    seen=form.cleaned_data["seen"] or None,
                )
            except services.RecordError as error:
                form.add_error(None, str(error))
            except StaleEdit:
                # What was chosen stays; saving again replaces the newer register.
                invitees = list(Invitee.objects.filter(meeting=meeting).select_related("user"))
                data = request.POST.copy()
                data["seen"] = services.register_state(invitees)
                form = AttendanceForm(data, invitees=invitees)
                form.is_valid()
                form.add_error(None, STALE_EDIT_MESSAGE)
            else:
                messages.success(request, _("Who came is saved."))
                return redirect(_record_url(pk, "attendance"))
        status = 400
    return render(
        request,
        "meetings/record_attendance.html",
        _context(access, form=form, problem=problem),
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def attendees_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, minutes=True)
    meeting = access.meeting
    problem = meeting.record_problem()
    form = AttendeesAddForm(request.POST if request.method == "POST" else None, meeting=meeting)
    if request.method == "POST" and form.is_valid() and not problem:
        try:
            added = services.attendees_add(
                meeting=meeting, users=form.cleaned_data["people"], actor=request.user
            )
        except services.RecordError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Added %(names)s to the register, as people who came.")
                % {"names": ", ".join(invitee.user.full_name for invitee in added)},
            )
            return redirect("meetings:attendance", pk=pk)
    if request.method == "POST" and problem:
        form.add_error(None, problem)
    return render(
        request,
        "meetings/record_attendees_add.html",
        _context(access, form=form, problem=problem),
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# Minutes


@login_required
@require_http_methods(["GET", "POST"])
def minutes_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, minutes=True)
    meeting = access.meeting
    problem = meeting.minutes_problem()
    items = services.items_for_minutes(meeting)
    latest = services.minutes_version(meeting)
    notes: dict[int, str] = latest.notes if latest else {}  # type: ignore[attr-defined]
    form = MinutesForm(
        request.POST if request.method == "POST" else None,
        items=items,
        notes=notes,
        initial={
            "based_on": latest.number if latest else 0,
            "summary": latest.summary if latest else "",
        },
    )
    stale = False
    if request.method == "POST":
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif form.is_valid():
            try:
                version = services.minutes_save(
                    meeting=meeting,
                    actor=request.user,
                    based_on=form.cleaned_data["based_on"],
                    summary=form.cleaned_data["summary"],
                    change_note=form.cleaned_data["change_note"],
                    notes=form.notes(),
                    base_url=request.build_absolute_uri("/"),
                )
            except services.StaleMinutes as error:
                # Keep what was typed and start from the newest version, so saving again is
                # a choice made after seeing the other person's changes.
                stale = True
                data = request.POST.copy()
                data["based_on"] = str(services.minutes_latest_number(meeting))
                form = MinutesForm(data, items=items, notes=notes)
                form.is_valid()
                form.add_error(None, str(error))
            except services.RecordError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Version %(n)s of the minutes is saved.") % {"n": version.number},
                )
                return redirect(_record_url(pk, "minutes"))
    return render(
        request,
        "meetings/minutes_edit.html",
        _context(
            access,
            form=form,
            problem=problem,
            latest=latest,
            # After a refused save, the newest text is shown beside what the person typed.
            newer=[(item, notes.get(item.pk, "")) for item in items] if stale else None,
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def minutes_versions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    versions = paginate(
        request,
        MinutesVersion.objects.filter(meeting=access.meeting)
        .select_related("saved_by")
        .order_by("-number"),
    )
    return render(request, "meetings/minutes_versions.html", _context(access, versions=versions))


@login_required
@require_GET
def minutes_version(request: AuthenticatedHttpRequest, pk: int, number: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    version = services.minutes_version(access.meeting, number)
    if version is None:
        raise Http404
    previous = services.minutes_version(access.meeting, number - 1) if number > 1 else None
    rows = services.minutes_compare(services.items_for_minutes(access.meeting), version, previous)
    return render(
        request,
        "meetings/minutes_version.html",
        _context(
            access,
            version=version,
            previous=previous,
            rows=rows,
            latest_number=services.minutes_latest_number(access.meeting),
        ),
    )


# ---------------------------------------------------------------------------------------------
# Decisions and action points


def _item_from_query(request: AuthenticatedHttpRequest, access: MeetingAccess) -> AgendaItem | None:
    """The item a "Record a decision on this item" link came from, if any."""
    item_pk = request.GET.get("item", "")
    if not item_pk.isdigit():
        return None
    return AgendaItem.objects.filter(meeting=access.meeting, pk=int(item_pk)).first()


def _refused(request: AuthenticatedHttpRequest, access: MeetingAccess) -> HttpResponse | None:
    """Send people back to the record, saying why, when the minutes can no longer change."""
    if problem := access.meeting.minutes_problem():
        messages.error(request, problem)
        return redirect(_record_url(access.meeting.pk))
    return None


@dataclass(frozen=True)
class _Entry:
    """What differs between the record's decisions and its action points."""

    kind: str  # "decision" or "action": the template's name for the object, and its anchor
    form_class: type[DecisionForm] | type[ActionPointForm]
    save: Callable[[Any, User, int | None], None]
    remove: Callable[[Any, User], None]
    saved: StrOrPromise
    removed: StrOrPromise
    list_anchor: str


DECISIONS = _Entry(
    kind="decision",
    form_class=DecisionForm,
    save=lambda decision, actor, version: services.decision_save(
        decision=decision, actor=actor, expected_version=version
    ),
    remove=lambda decision, actor: services.decision_remove(decision=decision, actor=actor),
    saved=gettext_lazy("The decision is saved."),
    removed=gettext_lazy("The decision is removed from the record."),
    list_anchor="decisions",
)
ACTIONS = _Entry(
    kind="action",
    form_class=ActionPointForm,
    save=lambda action, actor, version: services.action_point_save(
        action=action, actor=actor, expected_version=version
    ),
    remove=lambda action, actor: services.action_point_remove(action=action, actor=actor),
    saved=gettext_lazy("The action point is saved."),
    removed=gettext_lazy("The action point is removed from the record."),
    list_anchor="actions",
)


def _entry_page(
    request: AuthenticatedHttpRequest,
    access: MeetingAccess,
    entry: _Entry,
    instance: Decision | ActionPoint,
) -> HttpResponse:
    if refused := _refused(request, access):
        return refused
    form = entry.form_class(
        request.POST if request.method == "POST" else None,
        instance=instance,
        meeting=access.meeting,
    )
    if request.method == "POST" and form.is_valid():
        try:
            entry.save(form.instance, request.user, form.cleaned_data.get("version"))
        except services.RecordError as error:
            form.add_error(None, str(error))
        except StaleEdit:
            stored = type(instance)._default_manager.get(pk=instance.pk)
            form = form_after_stale_edit(
                entry.form_class, request, instance=stored, meeting=access.meeting
            )
        else:
            messages.success(request, str(entry.saved))
            return redirect(_record_url(access.meeting.pk, f"{entry.kind}-{form.instance.pk}"))
    return render(
        request,
        f"meetings/record_{entry.kind}_form.html",
        _context(access, form=form, **{entry.kind: instance}),
        status=400 if form.errors else 200,
    )


def _entry_remove(
    request: AuthenticatedHttpRequest,
    access: MeetingAccess,
    entry: _Entry,
    instance: Decision | ActionPoint,
) -> HttpResponse:
    if refused := _refused(request, access):
        return refused
    if request.method == "POST":
        entry.remove(instance, request.user)
        messages.success(request, str(entry.removed))
        return redirect(_record_url(access.meeting.pk, entry.list_anchor))
    return render(
        request, "meetings/record_remove.html", _context(access, thing=instance, kind=entry.kind)
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, minutes=True)
    decision = Decision(meeting=access.meeting, agenda_item=_item_from_query(request, access))
    return _entry_page(request, access, DECISIONS, decision)


@login_required
@require_http_methods(["GET", "POST"])
def decision_edit(request: AuthenticatedHttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    access, decision = get_decision_for_user(request, pk, decision_pk)
    return _entry_page(request, access, DECISIONS, decision)


@login_required
@require_http_methods(["GET", "POST"])
def decision_remove(request: AuthenticatedHttpRequest, pk: int, decision_pk: int) -> HttpResponse:
    access, decision = get_decision_for_user(request, pk, decision_pk)
    return _entry_remove(request, access, DECISIONS, decision)


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, minutes=True)
    action = ActionPoint(meeting=access.meeting, agenda_item=_item_from_query(request, access))
    return _entry_page(request, access, ACTIONS, action)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    access, action = get_action_point_for_user(request, pk, action_pk)
    return _entry_page(request, access, ACTIONS, action)


@login_required
@require_http_methods(["GET", "POST"])
def action_remove(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    access, action = get_action_point_for_user(request, pk, action_pk)
    return _entry_remove(request, access, ACTIONS, action)


@login_required
@require_POST
def action_done(request: AuthenticatedHttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Mark an action point done, or not done after all: its owner or a record keeper."""
    _access, action = get_action_point_for_user(request, pk, action_pk, minutes=False)
    done = request.POST.get("done") == "yes"
    if services.action_point_mark(action=action, actor=request.user, done=done):
        messages.success(
            request,
            _("The action point is marked as done.")
            if done
            else _("The action point is marked as not done yet."),
        )
    return redirect(_record_url(pk, f"action-{action.pk}"))


# ---------------------------------------------------------------------------------------------
# Contributions


@login_required
@require_GET
def contributions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, minutes=True)
    items = list(
        AgendaItem.objects.filter(meeting=access.meeting)
        .exclude(purpose=ItemPurpose.BREAK)
        .annotate(
            contribution_count=Count("contributions", distinct=True),
            people_count=Count("contributions__user", distinct=True),
        )
    )
    return render(
        request,
        "meetings/record_contributions.html",
        _context(access, items=items, problem=access.meeting.record_problem()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def contributions_item(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access, item = get_agenda_item_for_user(request, pk, item_pk, minutes=True)
    if item.purpose == ItemPurpose.BREAK:
        raise Http404
    meeting = access.meeting
    problem = meeting.record_problem()
    invitees = list(Invitee.objects.filter(meeting=meeting).select_related("user"))
    # People who came first, then those who did not, whose only way in was writing.
    invitees.sort(key=lambda invitee: (invitee.attended is False, invitee.user.full_name))
    counts = services.contribution_counts(item)
    form = ContributionsForm(
        request.POST if request.method == "POST" else None, invitees=invitees, counts=counts
    )
    if request.method == "POST":
        if problem:
            form.is_valid()
            form.add_error(None, problem)
        elif form.is_valid():
            try:
                services.contributions_save(
                    item=item,
                    actor=request.user,
                    seen=form.seen_counts(),
                    wanted=form.wanted(),
                )
            except services.RecordError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Who contributed to “%(item)s” is saved.") % {"item": item.title},
                )
                return redirect("meetings:contributions", pk=pk)
    written = set(
        WrittenInput.objects.filter(agenda_item=item).values_list("author_id", "kind").distinct()
    )
    return render(
        request,
        "meetings/record_contributions_item.html",
        _context(
            access,
            item=item,
            form=form,
            problem=problem,
            wrote_before={user for user, kind in written if kind == InputKind.ADVANCE},
            wrote_after={user for user, kind in written if kind == InputKind.COOLING_OFF},
        ),
        status=400 if form.errors else 200,
    )


# Counting contributions live


@dataclass(frozen=True)
class LiveRow:
    """A person at the meeting, how many times they have spoken on the item, and any problem."""

    invitee: Invitee
    count: int
    error: str = ""


def _live_url(meeting_pk: int, item_pk: int, anchor: str = "") -> str:
    url = reverse("meetings:contributions_live", args=[meeting_pk, item_pk])
    return f"{url}#{anchor}" if anchor else url


def _item_for_counting(
    request: AuthenticatedHttpRequest, pk: int, item_pk: int
) -> tuple[MeetingAccess, AgendaItem]:
    access, item = get_agenda_item_for_user(request, pk, item_pk, minutes=True)
    if item.purpose == ItemPurpose.BREAK:
        raise Http404
    return access, item


def _live_page(
    request: AuthenticatedHttpRequest,
    access: MeetingAccess,
    item: AgendaItem,
    *,
    form: ContributionCountForm | None = None,
    status: int = 200,
) -> HttpResponse:
    meeting = access.meeting
    invitees = list(Invitee.objects.filter(meeting=meeting).select_related("user"))
    present = [invitee for invitee in invitees if invitee.attended is True]
    counts = services.contributions_of(item)
    items = services.items_for_minutes(meeting)
    place = next(index for index, each in enumerate(items) if each.pk == item.pk)
    return render(
        request,
        "meetings/record_contributions_live.html",
        _context(
            access,
            item=item,
            number=place + 1,
            previous_item=items[place - 1] if place > 0 else None,
            next_item=items[place + 1] if place + 1 < len(items) else None,
            rows=[LiveRow(invitee, counts.get(invitee.user_id, 0)) for invitee in present],
            not_recorded=[invitee for invitee in invitees if invitee.attended is None],
            form=form,
            problem=meeting.record_problem(),
        ),
        status=status,
    )


@login_required
@require_GET
def contributions_live(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """A button per person present, pressed each time they speak on the item."""
    access, item = _item_for_counting(request, pk, item_pk)
    return _live_page(request, access, item)


def _count_words(invitee: Invitee, count: int) -> str:
    return ngettext(
        "%(name)s: %(n)s contribution on this item.",
        "%(name)s: %(n)s contributions on this item.",
        count,
    ) % {"name": invitee.user.full_name, "n": count}


@login_required
@require_POST
def contribution_count(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """One press of a counting button. With HTMX, answers with just that person's row."""
    access, item = _item_for_counting(request, pk, item_pk)
    form = ContributionCountForm(request.POST)
    count: int | None = None
    if form.is_valid():
        change = (
            services.contribution_add
            if form.cleaned_data["change"] == ADD
            else services.contribution_take_back
        )
        try:
            count = change(item=item, person_id=form.cleaned_data["person"], actor=request.user)
        except services.RecordError as error:
            form.add_error(None, str(error))
    problem = next((str(error) for errors in form.errors.values() for error in errors), "")
    person_id = form.cleaned_data.get("person")
    invitee = (
        Invitee.objects.select_related("user")
        .filter(meeting=access.meeting, user_id=person_id)
        .first()
        if person_id
        else None
    )
    if request.headers.get("HX-Request") != "true":
        if problem or invitee is None:
            return _live_page(request, access, item, form=form, status=400)
        messages.success(request, _count_words(invitee, count or 0))
        return redirect(_live_url(pk, item.pk, f"person-{invitee.user_id}"))
    # HTMX puts only successful answers on the page, so problems come back with 200 too.
    if invitee is None:
        # Nobody's row to put the answer in: it is said in the live region alone.
        response = render(request, "meetings/_contribution_live_status.html", {"announce": problem})
        response["HX-Reswap"] = "none"
        return response
    if count is None:
        count = services.contributions_of(item, [invitee.user_id]).get(invitee.user_id, 0)
    return render(
        request,
        "meetings/_contribution_live_row.html",
        _context(
            access,
            item=item,
            row=LiveRow(invitee, count, problem),
            announce=problem or _count_words(invitee, count),
            in_place=True,
        ),
    )


# ---------------------------------------------------------------------------------------------
# Equal-voice figures


@login_required
@require_GET
def equal_voice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    return render(
        request,
        "meetings/equal_voice.html",
        _context(
            access,
            voice=services.meeting_voice(access.meeting),
            ways=Contribution._meta.get_field("way").choices,
        ),
    )


@login_required
@require_GET
def project_equal_voice(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    access = get_project_for_user(request, project_pk)
    last = request.GET.get("last", "")
    figures = services.project_voice(
        access.project, last=int(last) if last.isdigit() else services.RECENT_MEETINGS
    )
    return render(
        request,
        "meetings/equal_voice_project.html",
        {
            "access": access,
            "project": access.project,
            "figures": figures,
            "voice": figures.voice,
            "ways": Contribution._meta.get_field("way").choices,
            "choices": [3, 6, 12, 24],
            "last": len(figures.meetings),
            "asked": int(last) if last.isdigit() else services.RECENT_MEETINGS,
        },
    )
