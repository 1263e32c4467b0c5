"""Papers: uploads checked for what they really are, alternative formats for the people who
need them, the notice period and late papers, and downloads only for the group."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, Organisation, User
from conftest import Cast, at_the_same_moment, client_for
from coproduce.lib.concurrency import StaleEdit
from meetings import paper_files
from meetings.models import Paper, PaperFormat, PaperVersion
from meetings.services import papers as services
from meetings.tests.preparation import TINY_PDF, a_meeting, a_paper, an_item, invite, media  # noqa: F401
from people.models import AccessNeed, AccessNeedType

pytestmark = pytest.mark.usefixtures("media")

MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64

RANDOM_NAME = re.compile(r"papers/\d+/[0-9a-f]{32}\.pdf")


def pdf(name: str = "drafts.pdf", content: bytes = TINY_PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def needs(user: User, code: str) -> None:
    AccessNeed.objects.create(user=user, need_type=AccessNeedType.objects.get(code=code))


def test_it_publishes_a_paper_on_time_and_stores_its_file(cast: Cast) -> None:
    meeting = a_meeting(cast, days=14)
    item = an_item(meeting, "The draft crisis pages", 45)

    response = client_for(cast.chair).post(
        reverse("meetings:paper_add", args=[meeting.pk]),
        {
            "title": "Crisis pages: draft 1",
            "summary": "What the pages say.",
            "agenda_item": item.pk,
            "file": pdf(),
        },
    )

    assert response.status_code == 302
    paper = Paper.objects.get()
    assert (paper.title, paper.agenda_item, paper.late, paper.added_by) == (
        "Crisis pages: draft 1",
        item,
        False,
        cast.chair,
    )
    (version,) = paper.versions.all()
    assert version.format == PaperFormat.STANDARD
    stored = str(version.file.name)
    # A random name: nothing of the title or of the uploaded name.
    assert RANDOM_NAME.fullmatch(stored)
    assert (media_root() / stored).read_bytes() == TINY_PDF
    assert AuditEvent.objects.filter(action="paper.added").exists()


def test_it_marks_a_paper_late_after_the_notice_period(cast: Cast) -> None:
    meeting = a_meeting(cast, days=3)  # The organisation asks for 7 days' notice.
    chair = client_for(cast.chair)

    response = chair.post(
        reverse("meetings:paper_add", args=[meeting.pk]),
        {"title": "Testing plan", "file": pdf()},
        follow=True,
    )

    assert Paper.objects.get().late is True
    page = " ".join(response.content.decode().split())
    assert "Papers were due earlier, so it shows as late." in page
    assert "Late</strong>" in page
    assert "Late: it was due by" in page


def test_it_takes_the_notice_period_from_the_organisation(cast: Cast) -> None:
    Organisation.objects.filter(pk=1).update(papers_notice_days=2)
    meeting = a_meeting(cast, days=3)
    services.paper_add(
        paper=Paper(meeting=meeting, title="Testing plan"),
        upload=pdf(),
        stored_name="testing-plan.pdf",
        actor=cast.chair,
    )
    assert Paper.objects.get().late is False
    assert meeting.starts_at is not None
    assert services.papers_due_at(meeting) == meeting.starts_at - datetime.timedelta(days=2)


@pytest.mark.parametrize(
    ("upload", "problem"),
    [
        (
            SimpleUploadedFile("setup.exe", b"MZ\x90\x00"),
            "We cannot accept .exe files as papers. Papers must be PDF, Word (.docx)",
        ),
        (SimpleUploadedFile("drafts", TINY_PDF), "We cannot tell what kind of file this is"),
        (
            SimpleUploadedFile("drafts.pdf", b"MZ\x90\x00 not really a pdf"),
            "This file ends in .pdf but is not a PDF inside.",
        ),
        (SimpleUploadedFile("notes.txt", b"\xff\xfe\x00bad"), "is not plain text we can read"),
        (SimpleUploadedFile("drafts.pdf", b""), "The file is empty."),
    ],
)
def test_it_refuses_papers_of_a_type_we_cannot_accept(
    cast: Cast, upload: SimpleUploadedFile, problem: str
) -> None:
    meeting = a_meeting(cast)

    response = client_for(cast.chair).post(
        reverse("meetings:paper_add", args=[meeting.pk]),
        {"title": "Crisis pages", "file": upload},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert problem in page
    assert "govuk-error-summary" in page
    assert 'value="Crisis pages"' in page
    assert not Paper.objects.exists()


def test_it_refuses_a_file_that_is_too_big(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paper_files, "MAX_BYTES", 100)
    upload = pdf(content=TINY_PDF + b" " * 100)
    assert paper_files.check_upload(upload, PaperFormat.STANDARD) == (
        "The file is 0.0 MB. Files must be smaller than 20 MB."
    )


def test_it_asks_for_a_title_and_a_file(cast: Cast) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.chair).post(reverse("meetings:paper_add", args=[meeting.pk]), {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a title for the paper" in page
    assert "file to upload" in page


def test_it_shows_which_formats_invitees_need_and_which_are_missing(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member, cast.carer, cast.clinician)
    needs(cast.carer, "large-print")
    needs(cast.clinician, "easy-read")
    needs(cast.commissioner, "audio")  # Not invited: not counted.
    a_paper(meeting, "Crisis pages", formats=(PaperFormat.STANDARD, PaperFormat.EASY_READ))

    assert services.formats_needed(meeting) == {"easy_read": 1, "large_print": 1}
    page = " ".join(
        client_for(cast.chair)
        .get(reverse("meetings:papers", args=[meeting.pk]))
        .content.decode()
        .split()
    )

    assert "Easy read: 1 person" in page
    assert "Large print: 1 person" in page
    assert "Audio" not in page.split("Formats people need")[1].split("</ul>")[0]
    still_needed = page.split("Still needed in</dt>")[1].split("</dd>")[0]
    assert "Large print" in still_needed
    assert "Easy read" not in still_needed
    assert "?format=large_print" in still_needed
    assert "Some papers are not yet in every format people need." in page
    # Members see the papers and their formats, not the counts of people's needs.
    member_page = client_for(cast.member).get(reverse("meetings:papers", args=[meeting.pk]))
    assert "Formats people need" not in member_page.content.decode()
    assert "Easy read" in member_page.content.decode()


def _formats_page(cast: Cast) -> tuple[Paper, str]:
    """A paper, and the page to add it in another format."""
    paper = a_paper(a_meeting(cast), "Crisis pages")
    return paper, reverse("meetings:paper_version_add", args=[paper.meeting_id, paper.pk])


def test_it_adds_a_large_print_version_then_replaces_it(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    paper, url = _formats_page(cast)
    chair = client_for(cast.chair)

    response = chair.post(url, {"format": "large_print", "file": pdf("big.pdf")})
    assert response.status_code == 302
    first = PaperVersion.objects.get(paper=paper, format=PaperFormat.LARGE_PRINT)
    first_name = str(first.file.name)
    assert RANDOM_NAME.fullmatch(first_name)

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = chair.post(
            url, {"format": "large_print", "file": pdf("bigger.pdf"), "seen": _seen(chair, url)}
        )

    assert response.status_code == 302
    assert PaperVersion.objects.filter(paper=paper, format=PaperFormat.LARGE_PRINT).count() == 1
    assert not (media_root() / first_name).exists()  # The old file went once the change was saved.


def _seen(client: Client, url: str) -> str:
    match = re.search(r'name="seen" value="([^"]*)"', client.get(url).content.decode())
    assert match, "the page carries the versions of the files it was drawn with"
    return match.group(1)


def test_it_keeps_the_first_of_two_easy_read_files_uploaded_at_once(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    paper, url = _formats_page(cast)
    deborah, grace = client_for(cast.chair), client_for(cast.coordinator)
    deborah_saw, grace_saw = _seen(deborah, url), _seen(grace, url)
    before = set(media_root().rglob("*.pdf"))

    first = deborah.post(
        url, {"format": "easy_read", "file": pdf("easy-1.pdf"), "seen": deborah_saw}
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        second = grace.post(
            url, {"format": "easy_read", "file": pdf("easy-2.pdf"), "seen": grace_saw}
        )

    assert first.status_code == 302
    assert second.status_code == 400
    page = second.content.decode()
    assert "Someone else saved changes to this page" in page
    assert "Someone else uploaded the easy read file of this paper while you were" in page
    # The format Grace chose is still chosen; the page now carries the newer version, so
    # choosing her file again replaces Deborah's on purpose.
    assert re.search(r'name="format" value="easy_read"[^>]*checked', page)
    assert 'name="seen" value="easy_read:1;standard:1"' in page
    stored = PaperVersion.objects.get(paper=paper, format=PaperFormat.EASY_READ)
    assert (stored.added_by, stored.version) == (cast.chair, 1)
    assert len(set(media_root().rglob("*.pdf")) - before) == 1  # Grace's upload is not kept
    assert AuditEvent.objects.filter(action="paper.version_added").count() == 1

    again = grace.post(
        url, {"format": "easy_read", "file": pdf("easy-2.pdf"), "seen": "easy_read:1"}
    )
    assert again.status_code == 302
    stored.refresh_from_db()
    assert (stored.added_by, stored.version) == (cast.coordinator, 2)


def test_it_checks_each_format_for_its_own_kinds_of_file(cast: Cast) -> None:
    meeting = a_meeting(cast)
    paper = a_paper(meeting)
    url = reverse("meetings:paper_version_add", args=[meeting.pk, paper.pk])
    chair = client_for(cast.chair)

    response = chair.post(url, {"format": "audio", "file": pdf("talk.pdf")})
    assert response.status_code == 400
    assert "We cannot accept .pdf files as papers. Audio versions must be MP3, M4A or WAV." in (
        response.content.decode()
    )
    response = chair.post(url, {"format": "audio", "file": SimpleUploadedFile("talk.mp3", MP3)})
    assert response.status_code == 302
    response = chair.post(url, {"format": "", "file": pdf()})
    assert "Choose which format this version is in" in response.content.decode()


def test_it_lets_only_the_group_download_papers_with_safe_headers(cast: Cast) -> None:
    meeting = a_meeting(cast)
    paper = a_paper(meeting, "Crisis pages; draft 1")
    version = paper.versions.get()
    url = reverse("meetings:paper_download", args=[meeting.pk, paper.pk, version.pk])

    response = client_for(cast.carer).get(url)

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == TINY_PDF  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="crisis-pages-draft-1.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302
    other = a_meeting(cast, title="Another meeting")
    wrong = reverse("meetings:paper_download", args=[other.pk, paper.pk, version.pk])
    assert client_for(cast.carer).get(wrong).status_code == 404


def test_it_removes_a_paper_and_its_files_after_asking(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    meeting = a_meeting(cast)
    paper = a_paper(
        meeting, "Crisis pages", formats=(PaperFormat.STANDARD, PaperFormat.LARGE_PRINT)
    )
    names = [str(version.file.name) for version in paper.versions.all()]
    url = reverse("meetings:paper_remove", args=[meeting.pk, paper.pk])
    chair = client_for(cast.chair)

    assert "Its 2 files, one for each format, are deleted" in chair.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = chair.post(url)

    assert response.status_code == 302
    assert not Paper.objects.exists()
    assert not any((media_root() / name).exists() for name in names)
    assert AuditEvent.objects.filter(action="paper.removed").exists()


def test_it_removes_an_alternative_format_but_never_the_standard_one(
    cast: Cast, django_capture_on_commit_callbacks: object
) -> None:
    meeting = a_meeting(cast)
    paper = a_paper(meeting, formats=(PaperFormat.STANDARD, PaperFormat.EASY_READ))
    standard = paper.versions.get(format=PaperFormat.STANDARD)
    easy = paper.versions.get(format=PaperFormat.EASY_READ)
    chair = client_for(cast.chair)

    standard_url = reverse(
        "meetings:paper_version_remove", args=[meeting.pk, paper.pk, standard.pk]
    )
    assert chair.get(standard_url).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = chair.post(
            reverse("meetings:paper_version_remove", args=[meeting.pk, paper.pk, easy.pk])
        )
    assert response.status_code == 302
    assert list(paper.versions.values_list("format", flat=True)) == ["standard"]


def test_it_changes_a_paper_and_replaces_its_file(cast: Cast) -> None:
    meeting = a_meeting(cast)
    paper = a_paper(meeting, "Crisis pages")
    old_name = paper.versions.get().file.name
    url = reverse("meetings:paper_edit", args=[meeting.pk, paper.pk])

    response = client_for(cast.chair).post(
        url, {"title": "Crisis pages: draft 2", "file": pdf(), "version": 1}
    )

    assert response.status_code == 302
    paper.refresh_from_db()
    assert paper.title == "Crisis pages: draft 2"
    new_name = str(paper.versions.get().file.name)
    assert new_name != old_name
    assert RANDOM_NAME.fullmatch(new_name)
    event = AuditEvent.objects.get(action="paper.updated")
    assert event.data == {"changed": ["title"], "new_file": True}


def test_it_keeps_paper_changes_to_the_people_who_plan(cast: Cast) -> None:
    meeting = a_meeting(cast)
    paper = a_paper(meeting)
    member = client_for(cast.member)
    assert member.get(reverse("meetings:paper_add", args=[meeting.pk])).status_code == 403
    assert (
        member.get(reverse("meetings:paper_edit", args=[meeting.pk, paper.pk])).status_code == 403
    )
    page = member.get(reverse("meetings:papers", args=[meeting.pk])).content.decode()
    assert "Add a paper" not in page


def test_it_reports_how_often_papers_were_late(cast: Cast) -> None:
    first = a_meeting(cast, days=-30, title="Planning the new website")
    a_paper(first, "On time")
    a_paper(first, "Late one", late=True)
    second = a_meeting(cast, days=-10, title="Crisis pages: first drafts")
    a_paper(second, "Also on time")
    a_paper(second, "Also on time too")
    a_meeting(cast, days=5, title="No papers yet")
    url = reverse("meetings:papers_report", args=[cast.website.pk])

    page = " ".join(client_for(cast.member).get(url).content.decode().split())

    assert "1 of 4 papers were late (25%)." in page
    assert page.index("Crisis pages: first drafts") < page.index("Planning the new website")
    assert "No papers yet" not in page
    assert client_for(cast.outsider).get(url).status_code == 404


def test_it_notes_amira_has_looked_only_when_there_is_a_paper_new_to_her(
    cast: Cast, settings: Settings
) -> None:
    meeting = a_meeting(cast)
    [amira] = invite(meeting, cast.member)
    url = reverse("meetings:papers", args=[meeting.pk])
    client = client_for(cast.member)

    client.get(url)
    amira.refresh_from_db()
    assert amira.papers_seen_at is None  # nothing to see yet
    a_paper(meeting, "Crisis pages draft")
    client.get(url)
    amira.refresh_from_db()
    seen = amira.papers_seen_at
    assert seen is not None

    # Looking again with nothing new writes nothing.
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    amira.refresh_from_db()
    assert amira.papers_seen_at == seen

    later = a_paper(meeting, "Testing plan")
    later.published_at = seen + datetime.timedelta(seconds=1)
    later.save(update_fields=["published_at"])
    client.get(url)
    amira.refresh_from_db()
    assert amira.papers_seen_at is not None
    assert amira.papers_seen_at > seen

    # Opening the first page is looking at them all, a new one on a later page too.
    settings.PAGE_SIZE = 1
    newest = a_paper(meeting, "Easy read summary")
    newest.published_at = amira.papers_seen_at + datetime.timedelta(seconds=1)
    newest.save(update_fields=["published_at"])
    before = amira.papers_seen_at
    client.get(url)
    amira.refresh_from_db()
    assert amira.papers_seen_at > before


def test_it_shows_the_papers_page_in_a_constant_number_of_queries(cast: Cast) -> None:
    meeting = a_meeting(cast)
    invite(meeting, cast.member, cast.carer)
    needs(cast.carer, "large-print")
    url = reverse("meetings:papers", args=[meeting.pk])
    chair = client_for(cast.chair)

    def add_papers(count: int) -> None:
        for number in range(count):
            item = an_item(meeting, f"Item {number}", 5)
            a_paper(meeting, f"Paper {number}", formats=("standard", "easy_read"), item=item)

    add_papers(2)
    chair.get(url)
    with CaptureQueriesContext(connection) as few:
        assert chair.get(url).status_code == 200
    add_papers(15)
    with CaptureQueriesContext(connection) as drawing:
        chair.get(url)
    with CaptureQueriesContext(connection) as many:
        chair.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 15
    # The new papers are drawn and kept in one statement, however many there are
    # (asked for from the shared cache first; rows the process remembers need no question).
    assert len(drawing.captured_queries) <= len(few.captured_queries) + 5


@pytest.mark.django_db
def test_it_gives_the_demo_a_paper_still_needed_in_large_print_and_a_late_one() -> None:
    import io

    from django.core.management import call_command

    from meetings import demo as meetings_demo
    from meetings.models import AgendaItem, Meeting

    call_command("demo", force=True, stdout=io.StringIO())
    upcoming = Meeting.objects.get(title="Testing the crisis pages with users")
    counts = (AgendaItem.objects.count(), Paper.objects.count(), PaperVersion.objects.count())
    meetings_demo._preparation(upcoming.project, User.objects.get(email="grace@example.org"))
    # Running it twice changes nothing.
    assert counts == (
        AgendaItem.objects.count(),
        Paper.objects.count(),
        PaperVersion.objects.count(),
    )

    assert services.formats_needed(upcoming).get(PaperFormat.LARGE_PRINT) == 1  # Colin
    missing = [
        paper.title
        for paper in upcoming.papers.all()
        if not paper.versions.filter(format=PaperFormat.LARGE_PRINT).exists()
    ]
    assert missing == ["How we will test the crisis pages"]
    assert list(Paper.objects.filter(late=True).values_list("title", flat=True)) == [
        "Changes suggested by the clinical team"
    ]
    assert upcoming.agenda_items.count() == 6
    for version in PaperVersion.objects.all():
        assert (media_root() / str(version.file.name)).read_bytes().startswith(b"%PDF-")


def test_it_pages_the_papers_and_warns_of_formats_missing_on_any_page(
    cast: Cast, settings: Settings
) -> None:
    settings.PAGE_SIZE = 2
    meeting = a_meeting(cast)
    invite(meeting, cast.carer)
    needs(cast.carer, "large-print")
    # Only the last paper lacks large print, and it is on the second page.
    for n in range(2):
        a_paper(meeting, f"Paper {n}", formats=(PaperFormat.STANDARD, PaperFormat.LARGE_PRINT))
    a_paper(meeting, "Paper 2")
    url = reverse("meetings:papers", args=[meeting.pk])
    grace = client_for(cast.coordinator)

    first = grace.get(url)

    assert [paper["title"] for paper in first.context["papers"]] == ["Paper 0", "Paper 1"]
    assert "Some papers are not yet in every format" in first.content.decode()
    assert [p["title"] for p in grace.get(url, {"page": 2}).context["papers"]] == ["Paper 2"]
    assert services.papers_missing_formats(meeting, []) is False


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_it_keeps_one_of_two_easy_read_files_uploaded_at_the_same_moment(cast: Cast) -> None:
    paper, _url = _formats_page(cast)

    outcomes = at_the_same_moment(
        StaleEdit,
        *[
            lambda actor=actor: services.paper_version_add(
                paper=Paper.objects.get(pk=paper.pk),
                paper_format=PaperFormat.EASY_READ,
                upload=pdf(f"easy-{actor.pk}.pdf"),
                stored_name="easy-read.pdf",
                actor=actor,
                expected_version=0,
            )
            for actor in (cast.chair, cast.coordinator)
        ],
    )

    assert outcomes == ["done", "refused"]
    kept = PaperVersion.objects.get(paper=paper, format=PaperFormat.EASY_READ)
    # Only the file of the upload kept is stored: the refused one went with it.
    stored = {path.relative_to(media_root()).as_posix() for path in media_root().rglob("*.pdf")}
    assert kept.file.name in stored
    assert len(stored) == 2  # the standard file and the easy read one
