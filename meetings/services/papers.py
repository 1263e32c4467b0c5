"""Changes to a meeting's papers and their files in other formats, when papers are due,
and which formats the people invited need.

Each change is atomic and leaves an audit record. Files are deleted only once the change
is committed.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, Organisation, User
from coproduce.lib.concurrency import StaleEdit, save_if_unchanged
from meetings.models import (
    FORMAT_FOR_NEED,
    PAPER_FORMAT_ORDER,
    Invitee,
    Meeting,
    NoticeWay,
    Paper,
    PaperFormat,
    PaperNotice,
    PaperVersion,
)
from meetings.notify import members_tell, message_way
from meetings.services.invitations import meeting_urls, paused_members
from people.models import AccessNeed, Profile
from projects.models import Membership


def papers_due_at(
    meeting: Meeting, *, organisation: Organisation | None = None
) -> datetime.datetime | None:
    organisation = organisation or Organisation.current()
    return meeting.papers_due_at(organisation.papers_notice_days)


def papers_summary(meeting: Meeting) -> tuple[int, datetime.datetime | None]:
    """How many papers the meeting has and when the latest went out, in one query."""
    found = Paper.objects.filter(meeting=meeting).aggregate(
        number=Count("pk"), latest=Max("published_at")
    )
    return found["number"], found["latest"]


def paper_pks(meeting: Meeting) -> QuerySet[Paper, int]:
    """The meeting's papers in the order they are listed, as keys: a page of it is sliced in
    the database, and `papers_with_files` reads that page in the same query."""
    return Paper.objects.filter(meeting=meeting).values_list("pk", flat=True)


def papers_with_files(pks: Iterable[int]) -> list[dict[str, Any]]:
    """These papers (a page of `paper_pks`), as the columns a card shows, with their files as
    `versions`, (pk, format, label) in the order formats are listed; in one query."""
    papers: dict[int, dict[str, Any]] = {}
    labels = dict(PaperFormat.choices)
    for (
        pk,
        title,
        late,
        summary,
        published_at,
        item_pk,
        item_title,
        version_pk,
        fmt,
    ) in Paper.objects.filter(pk__in=pks).values_list(
        "pk",
        "title",
        "late",
        "summary",
        "published_at",
        "agenda_item",
        "agenda_item__title",
        "versions__pk",
        "versions__format",
    ):
        paper = papers.setdefault(
            pk,
            {
                "pk": pk,
                "title": title,
                "late": late,
                "summary": summary,
                "published_at": published_at,
                "item_pk": item_pk,
                "item_title": item_title or "",
                "versions": [],
            },
        )
        if version_pk is not None:
            paper["versions"].append((version_pk, fmt, str(labels.get(fmt, fmt))))
    for paper in papers.values():
        paper["versions"].sort(key=lambda version: PAPER_FORMAT_ORDER[version[1]])
    return list(papers.values())


def papers_looked_at(invitee: Invitee | None, latest: datetime.datetime | None) -> None:
    """The person has opened the papers page: their home page stops listing these papers as
    new. `latest` is when the meeting's latest paper went out. Written only when it is new
    to them: opening the page again with nothing new writes nothing."""
    if invitee is None or latest is None:
        return
    seen = invitee.papers_seen_at
    if seen is None or latest > seen:
        Invitee.objects.filter(pk=invitee.pk).update(papers_seen_at=timezone.now())


def formats_needed(meeting: Meeting) -> dict[str, int]:
    """How many people invited need each alternative format, by format. Counts only.

    Before anyone is invited, the project's current members count instead.
    """
    invited = list(meeting.invitees.values_list("user_id", flat=True))
    people = invited or list(
        Membership.objects.current()
        .filter(project_id=meeting.project_id)
        .values_list("user_id", flat=True)
    )
    pairs = AccessNeed.objects.filter(
        user__in=people, need_type__code__in=list(FORMAT_FOR_NEED)
    ).values_list("user_id", "need_type__code")
    # A person counts once per format, even if two of their needs lead to the same one.
    people_formats = {(user, str(FORMAT_FOR_NEED[code])) for user, code in pairs}
    counts = Counter(paper_format for _user, paper_format in people_formats)
    return {fmt: counts[fmt] for fmt in PaperFormat.values if counts[fmt]}


def papers_missing_formats(meeting: Meeting, formats: list[str]) -> bool:
    """Whether any of the meeting's papers lacks one of these formats, in one query."""
    if not formats:
        return False
    return (
        Paper.objects.filter(meeting=meeting)
        .annotate(have=Count("versions", filter=Q(versions__format__in=formats)))
        .filter(have__lt=len(formats))
        .exists()
    )


def _store(version: PaperVersion, upload: UploadedFile[bytes], name: str) -> None:
    version.file.save(name, upload, save=False)


@transaction.atomic
def paper_add(
    *,
    paper: Paper,
    upload: UploadedFile[bytes],
    stored_name: str,
    actor: User,
    base_url: str | None = None,
) -> list[PaperNotice]:
    """Publish a paper with its standard file. After the notice period it is marked late.

    When invitations have gone out, everyone invited is told (see `paper_notices_send`);
    returns their notices.
    """
    now = timezone.now()
    due = papers_due_at(paper.meeting)
    paper.added_by = actor
    paper.published_at = now
    paper.late = due is not None and now > due
    paper.save()
    version = PaperVersion(paper=paper, format=PaperFormat.STANDARD, added_by=actor)
    _store(version, upload, stored_name)
    version.save()
    AuditEvent.record(
        actor=actor,
        action="paper.added",
        summary=_("Added the paper “%(paper)s” to “%(title)s”%(late)s")
        % {
            "paper": paper.title,
            "title": paper.meeting.title,
            "late": _(", after papers were due") if paper.late else "",
        },
        project=paper.meeting.project,
    )
    return paper_notices_send(paper=paper, base_url=base_url)


def paper_notices_send(*, paper: Paper, base_url: str | None = None) -> list[PaperNotice]:
    """Tell everyone already invited that the paper is there, each the way they asked.

    People who take email as each thing happens get it at once, with the formats they need
    and whether this paper is in them yet. The rest of those who take email have it held for
    their daily or weekly message; people who take no email are left for the organisers to
    phone or write to (the papers page lists them). Nobody is told twice about one paper:
    the notices say who was told, and the database keeps one per person per paper. Call it
    inside the transaction that publishes the paper, so the emails (queued tasks) and the
    notices are kept or lost together.
    """
    meeting = paper.meeting
    already = PaperNotice.objects.filter(paper=paper).values_list("user_id", flat=True)
    invitees = list(
        meeting.invitees.filter(invited_at__isnull=False, user__is_active=True)
        .exclude(user__in=paused_members(meeting))
        .exclude(user__in=already)
        .select_related("user")
    )
    if not invitees:
        return []
    profiles = {
        profile.user_id: profile
        for profile in Profile.objects.filter(user__in=[invitee.user_id for invitee in invitees])
    }
    now = timezone.now()
    notices = []
    for invitee in invitees:
        # A late paper is not urgent: the same rule as every message that is not.
        way = message_way(invitee.user, profiles.get(invitee.user_id), essential=False)
        notices.append(
            PaperNotice(
                paper=paper,
                user=invitee.user,
                way=way,
                created_at=now,
                sent_at=now if way == NoticeWay.EMAIL else None,
            )
        )
    PaperNotice.objects.bulk_create(notices)
    have = set(paper.versions.values_list("format", flat=True))
    members_tell(
        users=[notice.user for notice in notices if notice.way == NoticeWay.EMAIL],
        template="paper_published",
        context={
            "meeting": meeting,
            "paper": paper,
            "have": [str(label) for value, label in PaperFormat.choices if value in have],
            **meeting_urls(meeting, base_url),
        },
    )
    return notices


class PaperNoticeError(Exception):
    """A notice cannot be marked as told; the message says why."""


@transaction.atomic
def paper_notice_told(*, notice: PaperNotice, actor: User) -> None:
    """Record that an organiser told someone who takes no email about a paper, by phone or
    post. Once only: a second click (or two organisers at once) records nothing more."""
    if notice.way != NoticeWay.BY_HAND:
        raise PaperNoticeError(
            _("%(person)s was told by email or in their digest.") % {"person": notice.user}
        )
    now = timezone.now()
    claimed = PaperNotice.objects.filter(
        pk=notice.pk, way=NoticeWay.BY_HAND, sent_at__isnull=True
    ).update(sent_at=now)
    if not claimed:
        raise PaperNoticeError(
            _("Someone has already recorded that %(person)s was told.") % {"person": notice.user}
        )
    notice.sent_at = now
    paper = notice.paper
    AuditEvent.record(
        actor=actor,
        action="meeting.paper_notice_told",
        summary=_("Told %(person)s about “%(title)s” by phone or post")
        % {"person": notice.user.full_name, "title": paper.title},
        project=paper.meeting.project,
        subject=notice.user,
        data={"paper": paper.pk},
    )


@transaction.atomic
def paper_update(
    *,
    paper: Paper,
    actor: User,
    changed: list[str],
    expected_version: int,
    upload: UploadedFile[bytes] | None = None,
    stored_name: str = "",
) -> None:
    """Save changed details; a new standard file replaces the old one (which is deleted).

    Raises StaleEdit if someone else saved first.
    """
    if changed or upload is not None:
        save_if_unchanged(paper, expected_version=expected_version, fields=changed)
    if upload is not None:
        paper_version_add(
            paper=paper,
            paper_format=PaperFormat.STANDARD,
            upload=upload,
            stored_name=stored_name,
            actor=actor,
            audit=False,
        )
    if changed or upload is not None:
        AuditEvent.record(
            actor=actor,
            action="paper.updated",
            summary=_("Changed the paper “%(paper)s” for “%(title)s”")
            % {"paper": paper.title, "title": paper.meeting.title},
            project=paper.meeting.project,
            data={"changed": sorted(changed), "new_file": upload is not None},
        )


def _delete_files_after_commit(names: list[str | None], storage: Storage) -> None:
    # Files go only once the rows are gone for good, so a rollback never leaves a row
    # pointing at a missing file.
    def delete() -> None:
        for name in names:
            if name:
                storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def paper_remove(*, paper: Paper, actor: User) -> None:
    versions = list(paper.versions.all())
    AuditEvent.record(
        actor=actor,
        action="paper.removed",
        summary=_("Removed the paper “%(paper)s” from “%(title)s”")
        % {"paper": paper.title, "title": paper.meeting.title},
        project=paper.meeting.project,
    )
    if versions:
        _delete_files_after_commit(
            [version.file.name for version in versions if version.file],
            versions[0].file.storage,
        )
    paper.delete()


@transaction.atomic
def paper_version_add(
    *,
    paper: Paper,
    paper_format: str,
    upload: UploadedFile[bytes],
    stored_name: str,
    actor: User,
    audit: bool = True,
    expected_version: int | None = None,
) -> PaperVersion:
    """Add the paper in another format, replacing any file it already had in that format.

    `expected_version` is the version of that format's file the person saw (0: none). When
    someone else has added or replaced it since, raises StaleEdit and changes nothing. None
    replaces whatever is there (the standard file, whose paper's own version guards it).
    """
    version = (
        PaperVersion.objects.select_for_update(of=("self",))
        .filter(paper=paper, format=paper_format)
        .order_by("pk")
        .first()
    )
    if expected_version is not None and (version.version if version else 0) != expected_version:
        raise StaleEdit
    if version is not None and version.file:
        _delete_files_after_commit([version.file.name], version.file.storage)
    if version is None:
        version = PaperVersion(paper=paper, format=paper_format)
    version.added_by = actor
    version.added_at = timezone.now()
    _store(version, upload, stored_name)
    try:
        if version.pk is None:
            with transaction.atomic():
                version.save()
        else:
            save_if_unchanged(
                version, expected_version=version.version, fields=["file", "added_by", "added_at"]
            )
    except (IntegrityError, StaleEdit):
        # Someone else added or replaced this format at the same moment: theirs stays.
        if version.file.name:
            version.file.storage.delete(version.file.name)
        raise StaleEdit from None
    if audit:
        AuditEvent.record(
            actor=actor,
            action="paper.version_added",
            summary=_("Added the %(format)s version of “%(paper)s”")
            % {"format": PaperFormat(paper_format).label.lower(), "paper": paper.title},
            project=paper.meeting.project,
        )
    return version


@transaction.atomic
def paper_version_remove(*, version: PaperVersion, actor: User) -> None:
    AuditEvent.record(
        actor=actor,
        action="paper.version_removed",
        summary=_("Removed the %(format)s version of “%(paper)s”")
        % {"format": PaperFormat(version.format).label.lower(), "paper": version.paper.title},
        project=version.paper.meeting.project,
    )
    if version.file:
        _delete_files_after_commit([version.file.name], version.file.storage)
    version.delete()
