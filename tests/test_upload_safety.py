"""Every file upload, walked rule by rule: judged by what it holds (never its name), limited
in size, stored under a random name, and served with Content-Disposition and nosniff only to
people allowed to see it. A web page or an SVG is never served inline.

The uploads: a meeting paper, a paper in another format, a payment receipt and the
organisation's logo. Each goes through Django's storage API, so the rules hold on the file
system and on object storage alike (tests/test_object_storage.py runs uploads on S3).
"""

import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from pytest_django.fixtures import Settings

from accounts.models import Organisation
from accounts.tests.test_organisation import settings_form
from conftest import Cast, client_for, date_fields
from meetings.models import Paper, PaperFormat, PaperVersion
from meetings.tests.preparation import TINY_PDF, a_meeting, a_paper
from payments.models import Expense

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
RANDOM = r"[0-9a-f]{32}"


def png(size: tuple[int, int] = (8, 8), noise: bool = False) -> bytes:
    buffer = io.BytesIO()
    if noise:
        # Noise does not compress, so the file is as large as the picture.
        Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    else:
        Image.new("RGB", size, "teal").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings: Settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@dataclass
class Upload:
    """One upload field: who sends files to it, how, and where a stored file is served."""

    persona: str
    url: Callable[[Cast], str]
    data: Callable[[Cast, SimpleUploadedFile], dict[str, Any]]
    field: str
    good: Callable[[], SimpleUploadedFile]
    max_bytes: int
    too_big: str
    stored: Callable[[], str]
    # Where the last stored file is downloaded, who may, and what it is served as.
    served: Callable[[Cast], str]
    allowed: tuple[str, ...]
    disposition: str


def meeting_papers_url(cast: Cast) -> str:
    meeting = a_meeting(cast, days=14)
    return reverse("meetings:paper_add", args=[meeting.pk])


def paper_version_url(cast: Cast) -> str:
    paper = a_paper(a_meeting(cast, days=14))
    return reverse("meetings:paper_version_add", args=[paper.meeting_id, paper.pk])


def latest_version() -> PaperVersion:
    return PaperVersion.objects.select_related("paper").latest("pk")


def paper_download(cast: Cast) -> str:
    version = latest_version()
    return reverse(
        "meetings:paper_download", args=[version.paper.meeting_id, version.paper_id, version.pk]
    )


def expense_data(cast: Cast, upload: SimpleUploadedFile) -> dict[str, Any]:
    return {
        "project": cast.website.pk,
        "kind": "travel",
        "description": "Bus to the town hall and back",
        "amount": "4.60",
        **date_fields("date", timezone.localdate()),
        "receipt": upload,
    }


def organisation_data(cast: Cast, upload: SimpleUploadedFile) -> dict[str, Any]:
    return settings_form(logo=upload)


def a_pdf(name: str = "crisis pages.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, TINY_PDF, "application/pdf")


def a_png(name: str = "my photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png(), "image/png")


def paper_upload(
    url: Callable[[Cast], str], data: Callable[[Cast, SimpleUploadedFile], dict[str, Any]]
) -> Upload:
    """Papers in every format: sent by the chair, downloaded by the group only."""
    return Upload(
        persona="chair",
        url=url,
        data=data,
        field="file",
        good=a_pdf,
        max_bytes=20 * 1024 * 1024 - 1,
        too_big="Files must be smaller than 20 MB.",
        stored=lambda: str(latest_version().file.name),
        served=paper_download,
        allowed=("chair", "member", "coordinator"),
        disposition="attachment",
    )


UPLOADS = {
    "meeting paper": paper_upload(
        meeting_papers_url,
        lambda cast, upload: {"title": "Crisis pages", "summary": "", "file": upload},
    ),
    "paper in another format": paper_upload(
        paper_version_url,
        lambda cast, upload: {"format": PaperFormat.LARGE_PRINT, "file": upload},
    ),
    "payment receipt": Upload(
        persona="member",
        url=lambda cast: reverse("payments:expense_add"),
        data=expense_data,
        field="receipt",
        good=a_png,
        max_bytes=5 * 1024 * 1024,
        too_big="It must be 5 MB or smaller.",
        stored=lambda: str(Expense.objects.latest("pk").receipt.name),
        served=lambda cast: reverse("payments:receipt", args=[Expense.objects.latest("pk").pk]),
        allowed=("member", "finance"),
        # A photo of a receipt opens in the browser: a safe image, served as what it holds.
        disposition="inline",
    ),
    "organisation logo": Upload(
        persona="administrator",
        url=lambda cast: reverse("accounts:organisation"),
        data=organisation_data,
        field="logo",
        good=a_png,
        max_bytes=1024 * 1024,
        too_big="The logo must be smaller than 1 MB.",
        stored=lambda: str(Organisation.current().logo.name),
        served=lambda cast: Organisation.current().logo_url,
        # The logo is in the header of every page, for everyone.
        allowed=("administrator", "outsider", "member"),
        disposition="inline",
    ),
}
DISGUISES = {
    "an SVG called .png": ("picture.png", SVG, "image/png"),
    "an SVG called .pdf": ("paper.pdf", SVG, "application/pdf"),
    "a web page called .pdf": ("paper.pdf", HTML, "application/pdf"),
    "a web page called .png": ("picture.png", HTML, "image/png"),
    "an SVG called .svg": ("picture.svg", SVG, "image/svg+xml"),
    "a web page called .txt": ("notes.txt", HTML, "text/plain"),
}


def stored_files() -> tuple[int, int, str]:
    return (
        PaperVersion.objects.count(),
        Expense.objects.exclude(receipt="").count(),
        str(Organisation.current().logo),
    )


def send(cast: Cast, upload: Upload, url: str, file: SimpleUploadedFile) -> Any:
    return client_for(getattr(cast, upload.persona)).post(url, upload.data(cast, file))


@pytest.mark.parametrize("disguise", DISGUISES)
@pytest.mark.parametrize("name", UPLOADS)
def test_it_refuses_an_svg_or_web_page_whatever_its_name(
    cast: Cast, name: str, disguise: str
) -> None:
    upload = UPLOADS[name]
    filename, content, content_type = DISGUISES[disguise]
    url = upload.url(cast)
    before = stored_files()
    response = send(cast, upload, url, SimpleUploadedFile(filename, content, content_type))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page
    assert f'href="#id_{upload.field}"' in page
    assert stored_files() == before


@pytest.mark.parametrize("name", UPLOADS)
def test_it_refuses_a_file_over_the_size_limit(cast: Cast, name: str) -> None:
    upload = UPLOADS[name]
    good = upload.good()
    content = good.read()
    if content.startswith(b"%PDF-"):
        big = content + b"\n%" + b"0" * (upload.max_bytes - len(content))
    else:
        # A real picture, bigger than allowed, so only its size is wrong.
        side = int((upload.max_bytes / 3) ** 0.5) + 64
        big = png((side, side), noise=True)
    assert len(big) > upload.max_bytes
    file = SimpleUploadedFile(good.name or "file", big, good.content_type or "")
    response = send(cast, upload, upload.url(cast), file)
    assert response.status_code == 400
    assert upload.too_big in response.content.decode()


@pytest.mark.parametrize("name", UPLOADS)
def test_it_stores_the_file_under_a_random_name_and_serves_it_safely(cast: Cast, name: str) -> None:
    upload = UPLOADS[name]
    response = send(cast, upload, upload.url(cast), upload.good())
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = upload.stored()
    # Nothing of the uploaded name (which may name a person) is kept, only a checked ending.
    assert re.fullmatch(rf"[\w/]*/{RANDOM}\.(pdf|png)", stored), stored
    url = upload.served(cast)
    for persona in upload.allowed:
        served = client_for(getattr(cast, persona)).get(url)
        assert served.status_code == 200, persona
        assert served["X-Content-Type-Options"] == "nosniff"
        assert served["Content-Disposition"].startswith(upload.disposition)
        assert served["Content-Type"] in {"application/pdf", "image/png"}
        b"".join(served.streaming_content)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", [n for n, u in UPLOADS.items() if "outsider" not in u.allowed])
def test_it_tells_people_not_allowed_to_see_a_file_that_it_is_not_there(
    cast: Cast, name: str
) -> None:
    upload = UPLOADS[name]
    assert send(cast, upload, upload.url(cast), upload.good()).status_code == 302
    url = upload.served(cast)
    # Olu belongs to no group; Colin is in the group but the receipt is Amira's.
    outsiders = ["outsider"] + (["carer"] if name == "payment receipt" else [])
    for persona in outsiders:
        assert client_for(getattr(cast, persona)).get(url).status_code == 404, persona
    assert Client().get(url).status_code == 302  # to sign in


def test_it_never_serves_a_stored_svg_or_web_page_inline(cast: Cast, media: Path) -> None:
    """Files stored before these checks, or by hand, are never run by the browser."""
    (media / "organisation").mkdir()
    (media / "organisation" / "old.svg").write_bytes(SVG)
    Organisation.objects.filter(pk=Organisation.SINGLETON_ID).update(logo="organisation/old.svg")
    assert Client().get(reverse("organisation_logo", args=["old.svg"])).status_code == 404

    (media / "receipts").mkdir()
    (media / "receipts" / "old.html").write_bytes(HTML)
    expense = Expense.objects.create(
        user=cast.member,
        project=cast.website,
        kind="travel",
        date=timezone.localdate(),
        description="Bus",
        amount="4.60",
        receipt="receipts/old.html",
        receipt_type="text/html",
    )
    served = client_for(cast.member).get(reverse("payments:receipt", args=[expense.pk]))
    assert served["Content-Disposition"].startswith("attachment")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["X-Content-Type-Options"] == "nosniff"

    paper = a_paper(a_meeting(cast, days=14))
    version = paper.versions.get()
    (media / "papers").mkdir(exist_ok=True)
    (media / "papers" / "old.html").write_bytes(HTML)
    PaperVersion.objects.filter(pk=version.pk).update(file="papers/old.html")
    served = client_for(cast.member).get(
        reverse("meetings:paper_download", args=[paper.meeting_id, paper.pk, version.pk])
    )
    assert served["Content-Disposition"].startswith("attachment")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert Paper.objects.count() == 1
