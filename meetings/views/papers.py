"""A meeting's papers, in every format people need, and when they went out."""

from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import Organisation, User
from coproduce.lib.concurrency import STALE_EDIT_MESSAGE, StaleEdit, versioned_form_submit
from coproduce.lib.fragments import rendered_rows
from coproduce.lib.pagination import Counted, paginate
from meetings import paper_files
from meetings.forms.papers import PaperEditForm, PaperForm, PaperVersionForm, encode_versions
from meetings.lookups import (
    MeetingAccess,
    get_meeting_for_user,
    get_paper_for_user,
    get_paper_notice_for_user,
    get_paper_version_for_user,
)
from meetings.models import (
    Meeting,
    NoticeWay,
    Paper,
    PaperFormat,
    PaperNotice,
)
from meetings.services import papers as services
from people.models import ContactChannel
from projects.lookups import get_project_for_user

FORMAT_LABELS = dict(PaperFormat.choices)


def _context(access: MeetingAccess, **extra: object) -> dict[str, object]:
    return {"access": access, "meeting": access.meeting, "project": access.meeting.project} | extra


def _paper_shown(
    paper: dict[str, Any], access: MeetingAccess, *, needed: list[str], told: list[PaperNotice]
) -> dict[str, object]:
    """What one paper's card shows this person, as plain values: it is drawn from these alone.
    What is still needed and who was told are for organisers only."""
    if not access.can_manage:
        return paper
    have = {paper_format for _pk, paper_format, _label in paper["versions"]}
    can_see_contacts = access.project_access.can_see_contacts
    return {
        **paper,
        "missing": [(fmt, FORMAT_LABELS[fmt]) for fmt in needed if fmt not in have],
        "to_reach": [
            (n.pk, n.user.full_name, _reach_words(n.user, can_see_contacts))
            for n in told
            if n.way == NoticeWay.BY_HAND and n.sent_at is None
        ],
        "told_by_email": [str(n.user) for n in told if n.way == NoticeWay.EMAIL],
        "told_in_digest": [str(n.user) for n in told if n.way == NoticeWay.DIGEST],
        "told_by_hand": [str(n.user) for n in told if n.way == NoticeWay.BY_HAND and n.sent_at],
    }


@login_required
@require_GET
def papers(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk)
    meeting = access.meeting
    number, latest = services.papers_summary(meeting)
    services.papers_looked_at(access.invitee, latest)
    page = paginate(request, Counted(services.paper_pks(meeting), number))
    # The page's papers as their cards show them, read with the page's slice in one query.
    page.object_list = papers_shown = services.papers_with_files(page.object_list)
    needed = services.formats_needed(meeting) if access.can_manage else {}
    organisation = Organisation.remembered()
    # Who was told about each paper on this page, in one query; only organisers see it.
    notices: dict[int, list[PaperNotice]] = defaultdict(list)
    if access.can_manage:
        for notice in PaperNotice.objects.filter(
            paper__in=[paper["pk"] for paper in papers_shown]
        ).select_related("user__profile"):
            notices[notice.paper_id].append(notice)
    due_at = services.papers_due_at(meeting, organisation=organisation)
    # The page's cards, kept as one block: one key to work out and one copy to fetch.
    [cards] = rendered_rows(
        "meetings/_paper_cards.html",
        [
            {
                "meeting_pk": meeting.pk,
                "can_manage": access.can_manage,
                "due_at": due_at,
                "papers": [
                    _paper_shown(paper, access, needed=list(needed), told=notices[paper["pk"]])
                    for paper in papers_shown
                ],
            }
        ],
        request,
    )
    return render(
        request,
        "meetings/papers.html",
        _context(
            access,
            organisation=organisation,  # for the page's header too
            papers=page,
            cards=cards,
            needed=[(FORMAT_LABELS[fmt], count) for fmt, count in needed.items()],
            # Across every page of papers, not only this one.
            missing_any=services.papers_missing_formats(meeting, list(needed)),
            can_see_contacts=access.project_access.can_see_contacts,
        ),
    )


@login_required
@require_POST
def paper_notice_told(
    request: AuthenticatedHttpRequest, pk: int, paper_pk: int, notice_pk: int
) -> HttpResponse:
    """An organiser has told someone who takes no email about a paper, by phone or post."""
    _access, notice = get_paper_notice_for_user(request, pk, paper_pk, notice_pk)
    try:
        services.paper_notice_told(notice=notice, actor=request.user)
    except services.PaperNoticeError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Recorded that %(person)s has been told about “%(title)s”.")
            % {"person": notice.user.full_name, "title": notice.paper.title},
        )
    url = reverse("meetings:papers", args=[pk])
    return redirect(f"{url}#paper-{paper_pk}")


def _reach_words(user: User, can_see_contacts: bool) -> str:
    """How to reach someone who takes no email: the ways they chose, and their number or
    address for those who may see contact details."""
    profile = getattr(user, "profile", None)
    channels = list(profile.channels) if profile is not None else []
    ways = [str(ContactChannel(c).label) for c in channels if c != ContactChannel.EMAIL]
    words = ", ".join(ways) if ways else _("no email address")
    if can_see_contacts and profile is not None:
        if ContactChannel.PHONE in channels or ContactChannel.TEXT in channels:
            words += f": {profile.phone}" if profile.phone else ""
        elif ContactChannel.POST in channels and profile.postal_address:
            words += ": " + ", ".join(profile.postal_address.splitlines())
    return words


def _told_words(notices: list[PaperNotice]) -> str:
    ways = Counter(notice.way for notice in notices)
    parts = []
    if ways[NoticeWay.EMAIL]:
        parts.append(_("%(n)s by email now") % {"n": ways[NoticeWay.EMAIL]})
    if ways[NoticeWay.DIGEST]:
        parts.append(_("%(n)s in their daily or weekly message") % {"n": ways[NoticeWay.DIGEST]})
    if ways[NoticeWay.BY_HAND]:
        parts.append(
            _("%(n)s for you to phone or write to, listed with the paper")
            % {"n": ways[NoticeWay.BY_HAND]}
        )
    return _("Everyone invited is told about it: %(ways)s.") % {"ways": "; ".join(parts)}


def _file_name(form_title: str, paper_format: str, upload_name: str) -> str:
    return paper_files.stored_name(form_title, paper_format, upload_name)


@login_required
@require_http_methods(["GET", "POST"])
def paper_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_meeting_for_user(request, pk, manage=True)
    form = PaperForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        instance=Paper(meeting=access.meeting),
        meeting=access.meeting,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        notices = services.paper_add(
            paper=form.instance,
            upload=upload,
            stored_name=_file_name(form.instance.title, PaperFormat.STANDARD, upload.name),
            actor=request.user,
            base_url=request.build_absolute_uri("/"),
        )
        published = _("“%(title)s” is published.") % {"title": form.instance.title}
        if form.instance.late:
            published += " " + _("Papers were due earlier, so it shows as late.")
        messages.success(request, published)
        if notices:
            messages.info(request, _told_words(notices))
        url = reverse("meetings:papers", args=[pk])
        return redirect(f"{url}#paper-{form.instance.pk}")
    return render(
        request,
        "meetings/paper_form.html",
        _context(
            access, form=form, paper=form.instance, due_at=services.papers_due_at(access.meeting)
        ),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_edit(request: AuthenticatedHttpRequest, pk: int, paper_pk: int) -> HttpResponse:
    access, paper = get_paper_for_user(request, pk, paper_pk, manage=True)
    upload = request.FILES.get("file")  # checked by the form before anything is saved
    form, done = versioned_form_submit(
        request,
        PaperEditForm,
        paper,
        add=lambda paper: None,  # papers are added with their file, by paper_add
        update=lambda paper, changed, version: services.paper_update(
            paper=paper,
            actor=request.user,
            changed=[name for name in changed if name != "file"],
            expected_version=version,
            upload=upload,
            stored_name=(
                _file_name(paper.title, PaperFormat.STANDARD, upload.name or "") if upload else ""
            ),
        ),
        meeting=access.meeting,
    )
    if done:
        messages.success(request, _("“%(title)s” is saved.") % {"title": form.instance.title})
        url = reverse("meetings:papers", args=[pk])
        return redirect(f"{url}#paper-{paper.pk}")
    return render(
        request,
        "meetings/paper_form.html",
        _context(access, form=form, paper=paper, due_at=None),
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_remove(request: AuthenticatedHttpRequest, pk: int, paper_pk: int) -> HttpResponse:
    access, paper = get_paper_for_user(request, pk, paper_pk, manage=True)
    if request.method == "POST":
        services.paper_remove(paper=paper, actor=request.user)
        messages.success(request, _("“%(title)s” is removed.") % {"title": paper.title})
        return redirect("meetings:papers", pk=pk)
    return render(
        request,
        "meetings/paper_remove.html",
        _context(access, paper=paper, version_count=paper.versions.count()),
    )


@login_required
@require_http_methods(["GET", "POST"])
def paper_version_add(request: AuthenticatedHttpRequest, pk: int, paper_pk: int) -> HttpResponse:
    access, paper = get_paper_for_user(request, pk, paper_pk, manage=True)
    versions = dict(paper.versions.values_list("format", "version"))
    form = PaperVersionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"format": request.GET.get("format")},
        versions=versions,
    )
    if request.method == "POST" and form.is_valid():
        paper_format = form.cleaned_data["format"]
        upload = form.cleaned_data["file"]
        try:
            services.paper_version_add(
                paper=paper,
                paper_format=paper_format,
                upload=upload,
                stored_name=_file_name(paper.title, paper_format, upload.name),
                actor=request.user,
                expected_version=form.seen_version(),
            )
        except StaleEdit:
            form = _version_form_after_stale_upload(request, paper, paper_format)
        else:
            messages.success(
                request,
                _("The %(format)s version of “%(title)s” is added.")
                % {"format": PaperFormat(paper_format).label.lower(), "title": paper.title},
            )
            url = reverse("meetings:papers", args=[pk])
            return redirect(f"{url}#paper-{paper.pk}")
    existing = sorted(
        PaperFormat(fmt).label for fmt in paper.versions.values_list("format", flat=True)
    )
    return render(
        request,
        "meetings/paper_version_form.html",
        _context(access, form=form, paper=paper, existing=existing),
        status=400 if form.errors else 200,
    )


def _version_form_after_stale_upload(
    request: AuthenticatedHttpRequest, paper: Paper, paper_format: str
) -> PaperVersionForm:
    """The format chosen, kept, with why the file was not saved: someone else's is there now.

    A browser cannot be given the file back, so the person chooses it again; the form now
    carries the newer version, so that upload replaces theirs.
    """
    versions = dict(paper.versions.values_list("format", "version"))
    data = request.POST.copy()
    data["seen"] = encode_versions(versions)
    form = PaperVersionForm(data, None, versions=versions)
    form.is_valid()
    form.errors.pop("file", None)
    form.add_error(None, STALE_EDIT_MESSAGE)
    form.add_error(
        "file",
        _(
            "Someone else uploaded the %(format)s file of this paper while you were choosing "
            "yours, so yours was not saved. Check theirs on the papers page, then choose your "
            "file again to replace it."
        )
        % {"format": PaperFormat(paper_format).label.lower()},
    )
    return form


@login_required
@require_http_methods(["GET", "POST"])
def paper_version_remove(
    request: AuthenticatedHttpRequest, pk: int, paper_pk: int, version_pk: int
) -> HttpResponse:
    access, version = get_paper_version_for_user(request, pk, paper_pk, version_pk, manage=True)
    if version.format == PaperFormat.STANDARD:
        # The standard file is the paper itself: it is replaced, or the paper removed.
        raise Http404
    if request.method == "POST":
        services.paper_version_remove(version=version, actor=request.user)
        messages.success(
            request,
            _("The %(format)s version of “%(title)s” is removed.")
            % {"format": version.get_format_display().lower(), "title": version.paper.title},
        )
        return redirect("meetings:papers", pk=pk)
    return render(request, "meetings/paper_version_remove.html", _context(access, version=version))


@login_required
@require_GET
def paper_download(
    request: AuthenticatedHttpRequest, pk: int, paper_pk: int, version_pk: int
) -> FileResponse:
    """The file, streamed from storage to people who may see the meeting, never by a public
    address, with a download name made from the paper's title."""
    _access, version = get_paper_version_for_user(request, pk, paper_pk, version_pk)
    stored = version.file.name if version.file else None
    if not stored or not version.file.storage.exists(stored):
        raise Http404
    name = paper_files.stored_name(version.paper.title, version.format, stored)
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=paper_files.content_type_of(name),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def papers_report(request: AuthenticatedHttpRequest, project_pk: int) -> HttpResponse:
    """For each meeting with papers: how many, how many late, and the share late overall."""
    project_access = get_project_for_user(request, project_pk)
    meetings = (
        Meeting.objects.filter(project=project_access.project)
        .annotate(
            paper_count=Count("papers"), late_count=Count("papers", filter=Q(papers__late=True))
        )
        .filter(paper_count__gt=0)
        .order_by(F("starts_at").desc(nulls_last=True), "-pk")
    )
    totals = Paper.objects.filter(meeting__project=project_access.project).aggregate(
        total=Count("pk"), late=Count("pk", filter=Q(late=True))
    )
    total, late = totals["total"], totals["late"]
    return render(
        request,
        "meetings/papers_report.html",
        {
            "access": project_access,
            "project": project_access.project,
            "page": paginate(request, meetings),
            "total": total,
            "late": late,
            "late_percent": round(100 * late / total) if total else None,
        },
    )
