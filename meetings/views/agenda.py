"""A meeting's agenda: items in order, with their times, purposes and presenters."""

from collections import defaultdict
from collections.abc import Iterable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.concurrency import versioned_form_submit
from coproduce.lib.fragments import rendered_rows
from meetings.forms.agenda import AgendaItemForm
from meetings.lookups import MeetingAccess, get_agenda_item_for_user, get_meeting_for_user
from meetings.models import AgendaItem, InputKind, Paper, WrittenInput
from meetings.services import agenda as services
from meetings.timing import duration_words
from projects.services.rules import current_ground_rules


def _item_shown(
    row: services.AgendaRow,
    access: MeetingAccess,
    papers: list[tuple[int, str]],
    advance_inputs: list[tuple[str, str]],
    *,
    first: bool,
    last: bool,
) -> dict[str, object]:
    """What one agenda item shows this person, as plain values: it is drawn from these alone."""
    item = row.item
    return {
        "pk": item.pk,
        "meeting_pk": item.meeting_id,
        "starts_at": row.starts_at,
        "number": None if item.is_break else row.number,
        "title": item.title,
        "can_manage": access.can_manage,
        "first": first,
        "last": last,
        "purpose": item.purpose,
        "purpose_label": item.get_purpose_display(),
        "minutes_words": row.minutes_words,
        "presenter": item.presenter_name or "",  # type: ignore[attr-defined]
        "papers": papers,
        "description": item.description,
        "advance_inputs": advance_inputs,
    }


def _by_item[Shown](rows: Iterable[tuple[int | None, Shown]]) -> dict[int | None, list[Shown]]:
    found: dict[int | None, list[Shown]] = defaultdict(list)
    for item_pk, shown in rows:
        found[item_pk].append(shown)
    return found


def _agenda_context(request: AuthenticatedHttpRequest, access: MeetingAccess) -> dict[str, object]:
    meeting = access.meeting
    # Only the presenter's name is shown: a whole person for each item costs far more.
    items = list(
        AgendaItem.objects.filter(meeting=meeting).annotate(
            presenter_name=F("presenter__full_name")
        )
    )
    papers = _by_item(
        (item_pk, (pk, title))
        for item_pk, pk, title in Paper.objects.filter(agenda_item__meeting=meeting)
        .order_by("pk")
        .values_list("agenda_item_id", "pk", "title")
    )
    inputs = (
        _by_item(
            (item_pk, (author or "", text))
            for item_pk, author, text in WrittenInput.objects.filter(
                agenda_item__meeting=meeting, kind=InputKind.ADVANCE
            ).values_list("agenda_item_id", "author__full_name", "text")
        )
        if access.can_take_minutes
        else {}
    )
    total = sum(item.minutes for item in items)
    return {
        "access": access,
        "meeting": meeting,
        "project": meeting.project,
        "rows": rendered_rows(
            "meetings/_agenda_item.html",
            [
                _item_shown(
                    row,
                    access,
                    papers.get(row.item.pk, []),
                    inputs.get(row.item.pk, []),
                    first=n == 0,
                    last=n == len(items) - 1,
                )
                for n, row in enumerate(services.agenda_rows(meeting, items))
            ],
            request,
        ),
        "total": total,
        "total_words": duration_words(total),
        "length_words": (
            duration_words(meeting.duration_minutes)
            if meeting.duration_minutes is not None
            else None
        ),
        "ground_rules": (
            current_ground_rules(meeting.project) if meeting.agenda_shows_ground_rules else None
        ),
        "overrun": services.agenda_overrun(meeting, total),
        # Only organisers are warned, so only they need the invitees' requirements looked up.
        "break_warning": (
            services.agenda_break_warning(meeting, items, services.break_interval_needed(meeting))
            if access.can_manage
            else None
        ),
    }


@login_required
@require_GET
def agenda(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    return render(request, "meetings/agenda.html", _agenda_context(request, access))


def _item_form_page(
    request: AuthenticatedHttpRequest, access: MeetingAccess, item: AgendaItem
) -> HttpResponse:
    actor = request.user
    form, done = versioned_form_submit(
        request,
        AgendaItemForm,
        item,
        add=lambda item: services.agenda_item_add(item=item, actor=actor),
        update=lambda item, changed, version: services.agenda_item_update(
            item=item, actor=actor, changed=changed, expected_version=version
        ),
        meeting=access.meeting,
    )
    if done:
        messages.success(request, _("“%(title)s” is saved.") % {"title": form.instance.title})
        items = list(AgendaItem.objects.filter(meeting=access.meeting))
        if warning := services.agenda_break_warning(
            access.meeting, items, services.break_interval_needed(access.meeting)
        ):
            messages.warning(request, warning)
        url = reverse("meetings:agenda", args=[access.meeting.pk])
        return redirect(f"{url}#item-{form.instance.pk}")
    return render(
        request,
        "meetings/agenda_item_form.html",
        {
            "access": access,
            "meeting": access.meeting,
            "project": access.meeting.project,
            "form": form,
            "item": item,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    return _item_form_page(request, access, AgendaItem(meeting=access.meeting))


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_edit(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access, item = get_agenda_item_for_user(request, pk, item_pk, manage=True)
    return _item_form_page(request, access, item)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_item_remove(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    access, item = get_agenda_item_for_user(request, pk, item_pk, manage=True)
    if request.method == "POST":
        services.agenda_item_remove(item=item, actor=request.user)
        messages.success(request, _("“%(title)s” is off the agenda.") % {"title": item.title})
        return redirect("meetings:agenda", pk=pk)
    return render(
        request,
        "meetings/agenda_item_remove.html",
        {
            "access": access,
            "meeting": access.meeting,
            "project": access.meeting.project,
            "item": item,
            "paper_count": item.papers.count(),
            "input_count": item.written_inputs.count(),
        },
    )


@login_required
@require_POST
def agenda_item_move(request: AuthenticatedHttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Move an item up or down: buttons that work without JavaScript."""
    _access, item = get_agenda_item_for_user(request, pk, item_pk, manage=True)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.agenda_item_move(item=item, actor=request.user, up=direction == "up")
    url = reverse("meetings:agenda", args=[pk])
    return redirect(f"{url}#item-{item.pk}")
