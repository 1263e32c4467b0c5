"""Uploads in an S3-compatible object store: a real SeaweedFS server on 127.0.0.1, configured
through the same settings a production server reads from its environment.

Papers and the logo are written, read and removed through Django's storage API only; the
bucket is private, so nothing in it can be fetched without our views or a signed address."""

import io
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from storages.backends.s3 import S3Storage

from accounts.models import Organisation
from accounts.tests.test_organisation import URL as ORGANISATION_URL
from accounts.tests.test_organisation import settings_form
from conftest import Cast, client_for
from meetings.models import Paper
from meetings.tests.preparation import TINY_PDF, a_meeting
from tests.object_store import ObjectStore

pytestmark = pytest.mark.usefixtures("s3_folder")

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def anonymous_status(url: str) -> int:
    """What the object store answers someone who has no key and no signed address."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (127.0.0.1)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def object_bytes(store: ObjectStore, key: str) -> bytes:
    return bytes(store.client().get_object(Bucket=store.bucket, Key=key)["Body"].read())


def assert_private(store: ObjectStore, key: str) -> None:
    assert anonymous_status(f"{store.endpoint}/{store.bucket}/{key}") == 403
    assert anonymous_status(f"{store.endpoint}/{store.bucket}/") == 403  # no listing either
    grants = store.client().get_object_acl(Bucket=store.bucket, Key=key)["Grants"]
    assert not [grant for grant in grants if grant["Grantee"].get("URI") == ALL_USERS]


def test_it_stores_a_paper_in_the_bucket_and_gives_it_only_to_the_group(
    cast: Cast, object_store: ObjectStore, s3_folder: str
) -> None:
    assert isinstance(storages["default"], S3Storage)
    meeting = a_meeting(cast)

    response = client_for(cast.chair).post(
        reverse("meetings:paper_add", args=[meeting.pk]),
        {
            "title": "Crisis pages: draft 1",
            "file": SimpleUploadedFile("draft.pdf", TINY_PDF, content_type="application/pdf"),
        },
    )

    assert response.status_code == 302
    version = Paper.objects.get().versions.get()
    name = str(version.file.name)
    assert name.startswith(f"papers/{meeting.pk}/")
    key = f"{s3_folder}/{name}"
    assert object_bytes(object_store, key) == TINY_PDF
    assert_private(object_store, key)

    download = reverse("meetings:paper_download", args=[meeting.pk, version.paper_id, version.pk])
    answer = client_for(cast.member).get(download)
    assert answer.status_code == 200
    assert b"".join(answer.streaming_content) == TINY_PDF  # type: ignore[attr-defined]
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["Cache-Control"] == "private, no-store"
    assert client_for(cast.outsider).get(download).status_code == 404
    assert client_for(None).get(download).status_code == 302  # to sign in


def test_it_signs_any_address_of_a_stored_file_for_minutes_only(
    cast: Cast, object_store: ObjectStore, s3_folder: str
) -> None:
    name = default_storage.save("papers/1/abc/minutes.pdf", io.BytesIO(TINY_PDF))

    signed = default_storage.url(name)

    query = parse_qs(urlsplit(signed).query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query
    with urllib.request.urlopen(signed, timeout=10) as response:  # noqa: S310 (127.0.0.1)
        assert response.read() == TINY_PDF
    unsigned = signed.split("?")[0]
    assert anonymous_status(unsigned) == 403


def test_it_never_overwrites_a_stored_file_of_the_same_name(
    object_store: ObjectStore, s3_folder: str
) -> None:
    first = default_storage.save("organisation/logo.png", io.BytesIO(b"first"))
    second = default_storage.save("organisation/logo.png", io.BytesIO(b"second"))

    assert first != second
    assert object_bytes(object_store, f"{s3_folder}/{first}") == b"first"
    assert object_bytes(object_store, f"{s3_folder}/{second}") == b"second"


def test_it_deletes_the_files_of_a_removed_paper_from_the_bucket(
    cast: Cast,
    object_store: ObjectStore,
    s3_folder: str,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    meeting = a_meeting(cast)
    chair = client_for(cast.chair)
    chair.post(
        reverse("meetings:paper_add", args=[meeting.pk]),
        {"title": "Old draft", "file": SimpleUploadedFile("old.pdf", TINY_PDF)},
    )
    paper = Paper.objects.get()
    name = str(paper.versions.get().file.name)
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        chair.post(reverse("meetings:paper_remove", args=[meeting.pk, paper.pk]))

    assert not Paper.objects.exists()
    assert not default_storage.exists(name)
    listed = object_store.client().list_objects_v2(
        Bucket=object_store.bucket, Prefix=f"{s3_folder}/papers/"
    )
    assert listed.get("KeyCount", 0) == 0


def test_it_shows_the_logo_from_the_bucket_through_our_own_address(
    cast: Cast, object_store: ObjectStore, s3_folder: str, settings: Any
) -> None:
    settings.DEBUG = False
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(buffer, "PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")

    response = client_for(cast.administrator).post(
        ORGANISATION_URL, settings_form(logo=upload, logo_alt_text="Riverside")
    )

    assert response.status_code == 302
    organisation = Organisation.current()
    name = str(organisation.logo.name)
    key = f"{s3_folder}/{name}"
    assert object_bytes(object_store, key) == buffer.getvalue()
    assert_private(object_store, key)
    # Pages show it from our own origin (the CSP allows no other), signed in or not.
    logo_url = organisation.logo_url
    assert logo_url == f"/media/{name}"
    page = client_for(None).get(reverse("accounts:sign_in")).content.decode()
    assert f'src="{logo_url}" alt="Riverside"' in page
    answer = client_for(None).get(logo_url)
    assert answer.status_code == 200
    assert answer["Content-Type"] == "image/png"
    assert b"".join(answer.streaming_content) == buffer.getvalue()  # type: ignore[attr-defined]
    # Only the current logo is served: nothing else in the bucket, whatever the address.
    default_storage.save("papers/1/abc/minutes.pdf", io.BytesIO(TINY_PDF))
    for url in ("/media/papers/1/abc/minutes.pdf", "/media/organisation/missing.png"):
        assert client_for(cast.member).get(url).status_code == 404, url
