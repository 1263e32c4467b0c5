"""Who is invited, the invitations and their calendar files, replies, and written input
sent before the meeting by people who cannot come or take part in writing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from meetings.calendar import meeting_ics
from meetings.forms.invitations import AdvanceInputForm, InviteesForm, ReplyForm
from meetings.lookups import MeetingAccess, get_invitee_for_user, get_meeting_for_user
from meetings.models import AgendaItem, InputKind, Invitee, ItemPurpose, Reply, WrittenInput
from meetings.notify import accepts_email
from meetings.services import invitations as services
from people.models import Profile


def _context(access: MeetingAccess, **extra: object) -> dict[str, object]:
    return {"access": access, "meeting": access.meeting, "project": access.meeting.project} | extra


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@login_required
@require_GET
def calendar(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The meeting's calendar file, as it is now, for anyone in the project."""
    access = get_meeting_for_user(request, pk)
    if access.meeting.starts_at is None:
        raise Http404
    ics = meeting_ics(meeting=access.meeting, base_url=_base_url(request), attendee=request.user)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="meeting.ics"'
    return response


def _contact_rows(invitees: list[Invitee]) -> list[dict[str, object]]:
    rows = []
    for invitee in invitees:
        profile: Profile | None = getattr(invitee.user, "profile", None)
        rows.append(
            {
                "invitee": invitee,
                "by_email": accepts_email(invitee.user, profile),
                "profile": profile,
            }
        )
    return rows


@login_required
@require_GET
def invitations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    invitees = list(access.meeting.invitees.select_related("user__profile"))
    inputs = list(
        WrittenInput.objects.filter(meeting=access.meeting, kind=InputKind.ADVANCE)
        .select_related("author", "agenda_item")
        .order_by("author__full_name", "agenda_item__position", "pk")
    )
    counts = {
        "coming": sum(1 for i in invitees if i.reply == Reply.COMING),
        "apologies": sum(1 for i in invitees if i.reply == Reply.APOLOGIES),
        "waiting": sum(1 for i in invitees if i.reply == Reply.NONE),
        "not_invited": sum(1 for i in invitees if i.invited_at is None),
    }
    return render(
        request,
        "meetings/invitations.html",
        _context(
            access,
            rows=_contact_rows(invitees),
            inputs=inputs,
            counts=counts,
            open=access.meeting.replies_open(),
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitee_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    # "Select everyone" posts the form back to be shown again with everyone ticked: it works
    # without JavaScript, and with it HTMX swaps only the list of people.
    select_all = request.method == "POST" and "select_all" in request.POST
    form = InviteesForm(
        request.POST if request.method == "POST" and not select_all else None,
        meeting=access.meeting,
        select_all=select_all,
    )
    if request.method == "POST" and not select_all and form.is_valid():
        added = services.invitees_add(
            meeting=access.meeting,
            users=form.cleaned_data["people"],
            actor=request.user,
        )
        messages.success(
            request,
            _("%(n)s added to the list. Send the invitations when you are ready.")
            % {"n": len(added)},
        )
        return redirect("meetings:invitations", pk=pk)
    return render(
        request,
        "meetings/invitation_add_people.html",
        _context(
            access,
            form=form,
            anyone_left=form.fields["people"].queryset.exists(),  # type: ignore[attr-defined]
            select_all=select_all,
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def invitee_remove(request: AuthenticatedHttpRequest, pk: int, invitee_pk: int) -> HttpResponse:
    access, invitee = get_invitee_for_user(request, pk, invitee_pk)
    if request.method == "POST":
        services.invitee_remove(invitee=invitee, actor=request.user)
        messages.success(
            request,
            _("%(person)s is off the list.") % {"person": invitee.user.full_name},
        )
        return redirect("meetings:invitations", pk=pk)
    return render(request, "meetings/invitation_remove.html", _context(access, invitee=invitee))


def _sent_page(
    request: AuthenticatedHttpRequest, access: MeetingAccess, to_contact: list[User], count: int
) -> HttpResponse:
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.filter(user__in=[user.pk for user in to_contact])
    }
    return render(
        request,
        "meetings/invitations_sent.html",
        _context(
            access,
            count=count,
            to_contact=[(user, profiles.get(user.pk)) for user in to_contact],
        ),
    )


@login_required
@require_POST
def invitations_send(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Send to everyone not yet invited, then list anyone to contact by phone or post."""
    access = get_meeting_for_user(request, pk, manage=True)
    count = access.meeting.invitees.filter(invited_at__isnull=True).count()
    try:
        to_contact = services.invitations_send(
            meeting=access.meeting, actor=request.user, base_url=_base_url(request)
        )
    except services.InvitationError as problem:
        messages.error(request, str(problem))
        return redirect("meetings:invitations", pk=pk)
    return _sent_page(request, access, to_contact, count)


@login_required
@require_POST
def invitation_resend(request: AuthenticatedHttpRequest, pk: int, invitee_pk: int) -> HttpResponse:
    access, invitee = get_invitee_for_user(request, pk, invitee_pk)
    try:
        to_contact = services.invitation_resend(
            invitee=invitee, actor=request.user, base_url=_base_url(request)
        )
    except services.InvitationError as problem:
        messages.error(request, str(problem))
        return redirect("meetings:invitations", pk=pk)
    return _sent_page(request, access, to_contact, 1)


def _invitee_or_403(access: MeetingAccess) -> Invitee:
    if access.invitee is None:
        raise PermissionDenied
    invitee = access.invitee
    invitee.meeting = access.meeting
    return invitee


@login_required
@require_http_methods(["GET", "POST"])
def reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The invited person says whether, and how, they will take part."""
    access = get_meeting_for_user(request, pk)
    invitee = _invitee_or_403(access)
    meeting = access.meeting
    is_open = meeting.replies_open()
    ways = services.ways_allowed(meeting)
    profile = Profile.objects.filter(user=invitee.user_id).first()
    initial = {
        "reply": invitee.reply or None,
        "way": invitee.way or services.way_from_profile(meeting, profile),
    }
    form = ReplyForm(
        request.POST if request.method == "POST" and is_open else None, ways=ways, initial=initial
    )
    if request.method == "POST" and is_open and form.is_valid():
        try:
            services.reply_save(
                invitee=invitee, reply=form.cleaned_data["reply"], way=form.cleaned_data["way"]
            )
        except services.InvitationError as problem:
            form.add_error(None, str(problem))
        else:
            if invitee.reply == Reply.APOLOGIES or invitee.way == "written":
                messages.success(
                    request,
                    _(
                        "Thank you for letting us know. You can send your thoughts on the "
                        "agenda now."
                    ),
                )
                return redirect("meetings:advance_input", pk=pk)
            messages.success(request, _("Thank you. Your reply is saved."))
            return redirect("meetings:reply", pk=pk)
    return render(
        request,
        "meetings/reply.html",
        _context(access, form=form, invitee=invitee, is_open=is_open),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def advance_input(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Thoughts on each agenda item, sent before the meeting; editable until it starts."""
    access = get_meeting_for_user(request, pk)
    invitee = _invitee_or_403(access)
    meeting = access.meeting
    is_open = meeting.replies_open()
    items = list(AgendaItem.objects.filter(meeting=meeting).exclude(purpose=ItemPurpose.BREAK))
    texts = dict(
        WrittenInput.objects.filter(
            meeting=meeting, author=invitee.user_id, kind=InputKind.ADVANCE
        ).values_list("agenda_item_id", "text")
    )
    form = AdvanceInputForm(
        request.POST if request.method == "POST" and is_open else None,
        items=items,
        initial_texts=texts,
    )
    if request.method == "POST" and is_open and form.is_valid():
        try:
            kept = services.advance_input_save(invitee=invitee, texts=form.texts())
        except services.InvitationError as problem:
            form.add_error(None, str(problem))
        else:
            if kept:
                messages.success(
                    request,
                    _(
                        "Your thoughts are saved. The chair and the minute-taker will see them "
                        "before the meeting. You can change them until it starts."
                    ),
                )
            else:
                messages.success(request, _("Saved. You have not sent any thoughts."))
            return redirect("meetings:advance_input", pk=pk)
    return render(
        request,
        "meetings/reply_advance_input.html",
        _context(access, form=form, invitee=invitee, is_open=is_open, items=items),
        status=400 if form.errors else 200,
    )
