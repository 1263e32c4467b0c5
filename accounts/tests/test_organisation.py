import datetime
import io
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent, Organisation
from conftest import Cast, client_for, date_fields

URL = reverse("accounts:organisation")


def settings_form(**changes: Any) -> dict[str, Any]:
    organisation = Organisation.current()
    return {
        "version": organisation.version,
        "name": organisation.name,
        "logo_alt_text": "",
        "contact_email": "involvement@example.org",
        "contact_phone": "",
        "accessibility_contact_email": "access@example.org",
        "accessibility_contact_phone": "",
        "accessibility_compliance": "partial",
        "papers_notice_days": 7,
        "cooling_off_hours": 48,
        "invitation_valid_days": 14,
        "implementation_share_percent": 30,
        "session_idle_minutes": 120,
    } | changes


def png(size: tuple[int, int] = (10, 10)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "logo.png"
    return buffer


def test_it_lets_sam_change_the_settings_and_records_it(cast: Cast) -> None:
    sam = client_for(cast.administrator)
    response = sam.post(URL, settings_form(name="Riverside Partnership", papers_notice_days=10))
    assert response["Location"] == URL
    organisation = Organisation.current()
    assert organisation.name == "Riverside Partnership"
    assert organisation.papers_notice_days == 10
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.actor == cast.administrator
    assert "name" in event.data["changed"]
    # The header of every page shows the new name.
    assert "Riverside Partnership" in sam.get(reverse("projects:list")).content.decode()


def test_it_uploads_a_logo(cast: Cast, settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    sam = client_for(cast.administrator)
    response = sam.post(URL, settings_form(logo=png(), logo_alt_text="Riverside"))
    assert response.status_code == 302
    assert str(Organisation.current().logo.name).startswith("organisation/")


def test_it_shows_the_logo_to_everyone_with_debug_off(
    cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False
    upload = png()
    client_for(cast.administrator).post(URL, settings_form(logo=upload, logo_alt_text="Riverside"))
    logo_url = Organisation.current().logo_url
    assert logo_url.startswith("/media/organisation/")
    sign_in = client_for(None).get(reverse("accounts:sign_in")).content.decode()
    assert f'src="{logo_url}" alt="Riverside"' in sign_in
    response = client_for(None).get(logo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.getvalue() == upload.getvalue()


def test_it_serves_no_other_upload(cast: Cast, settings: Settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    client_for(cast.administrator).post(URL, settings_form(logo=png()))
    for name in ("organisation/old-logo.png", "papers/1/abc/minutes.pdf"):
        default_storage.save(name, ContentFile(b"private"))
    amira = client_for(cast.member)
    for url in (
        "/media/organisation/old-logo.png",
        "/media/papers/1/abc/minutes.pdf",
        "/media/organisation/../papers/1/abc/minutes.pdf",
        "/media/organisation/missing.png",
    ):
        assert amira.get(url).status_code == 404, url


def test_it_refuses_a_logo_that_is_not_an_image(
    cast: Cast, settings: Settings, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    bogus = io.BytesIO(b"not an image")
    bogus.name = "logo.png"
    response = client_for(cast.administrator).post(URL, settings_form(logo=bogus))
    assert response.status_code == 400
    assert not Organisation.current().logo


def test_it_explains_out_of_range_numbers_and_keeps_what_was_typed(cast: Cast) -> None:
    response = client_for(cast.administrator).post(
        URL, settings_form(name="Typed name", cooling_off_hours=0, papers_notice_days=400)
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_cooling_off_hours"' in html
    assert 'href="#id_papers_notice_days"' in html
    assert 'value="Typed name"' in html
    assert Organisation.current().name == "Riverside Health and Care Partnership"


def test_it_refuses_to_overwrite_a_newer_save(cast: Cast) -> None:
    sam = client_for(cast.administrator)
    stale = settings_form(name="Sam's name")
    sam.post(URL, settings_form(name="Someone else's name"))
    response = sam.post(URL, stale)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Someone else saved changes" in html
    assert 'value="Sam&#x27;s name"' in html
    assert Organisation.current().name == "Someone else's name"
    # Having seen the warning, Sam can deliberately save his version.
    version = Organisation.current().version
    assert sam.post(URL, stale | {"version": version}).status_code == 302
    assert Organisation.current().name == "Sam's name"


def test_it_keeps_coordinators_out_of_the_settings(cast: Cast) -> None:
    grace = client_for(cast.coordinator)
    assert grace.post(URL, settings_form(name="Nope")).status_code == 403
    assert Organisation.current().name != "Nope"


def test_it_lets_sam_search_the_audit_log(cast: Cast) -> None:
    AuditEvent.record(actor=cast.chair, action="project.updated", summary="Changed the purpose")
    AuditEvent.record(actor=cast.coordinator, action="invitation.sent", summary="Invited x")
    sam = client_for(cast.administrator)
    html = sam.get(reverse("accounts:audit_log"), {"q": "purpose"}).content.decode()
    assert "Changed the purpose" in html
    assert "Invited x" not in html
    assert (
        "Nothing in the log matches"
        in sam.get(reverse("accounts:audit_log"), {"q": "zzz"}).content.decode()
    )


def test_it_lets_administrators_into_data_administration_only(cast: Cast) -> None:
    assert client_for(cast.administrator).get("/admin/").status_code == 200
    assert client_for(cast.coordinator).get("/admin/").status_code == 302


def test_it_completes_the_accessibility_statement_from_the_settings(cast: Cast) -> None:
    sam = client_for(cast.administrator)
    response = sam.post(
        URL,
        settings_form(
            accessibility_compliance="partial",
            accessibility_known_issues="Maps of venues have no text version.\n\nSome old PDFs.",
            **date_fields("accessibility_prepared_on", datetime.date(2026, 9, 3)),
            **date_fields("accessibility_reviewed_on", datetime.date(2026, 12, 1)),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    statement = client_for(None).get(reverse("accessibility")).content.decode()

    assert "This service is partially compliant with the Web Content" in statement
    assert "<li>Maps of venues have no text version.</li>" in statement
    assert "<li>Some old PDFs.</li>" in statement
    assert "Equality and Human Rights Commission" in statement
    assert "This statement was prepared on 3 September 2026." in statement
    assert "It was last reviewed on 1 December 2026." in statement
    assert "contact us" in statement


def test_it_refuses_a_review_before_the_statement_was_prepared_or_in_the_future(
    cast: Cast,
) -> None:
    response = client_for(cast.administrator).post(
        URL,
        settings_form(
            name="Typed name",
            **date_fields("accessibility_prepared_on", datetime.date(2026, 9, 3)),
            **date_fields("accessibility_reviewed_on", datetime.date(2026, 8, 1)),
        ),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The review date must be on or after the date the statement was prepared" in html
    assert 'value="Typed name"' in html

    response = client_for(cast.administrator).post(
        URL,
        settings_form(
            **date_fields("accessibility_prepared_on", datetime.date(2099, 1, 1)),
            accessibility_compliance="nearly",
        ),
    )
    html = response.content.decode()
    assert "The date the statement was prepared cannot be in the future" in html
    assert "accessibility" in html.lower()
    assert Organisation.current().accessibility_prepared_on is None


def test_it_shows_a_changed_name_at_once_although_pages_keep_the_organisation(
    cast: Cast,
) -> None:
    amira, visitor = client_for(cast.member), client_for(None)
    assert "Riverside Health and Care Partnership" in amira.get(reverse("projects:list")).text
    assert "Riverside Health and Care Partnership" in visitor.get(reverse("accessibility")).text
    # Changed however it is changed (here without `save`), no page shows the old name.
    Organisation.objects.filter(pk=Organisation.SINGLETON_ID).update(name="Riverside Council")
    assert "Riverside Council" in amira.get(reverse("projects:list")).text
    assert "Riverside Council" in visitor.get(reverse("accessibility")).text
    assert "Riverside Health" not in amira.get(reverse("accessibility")).text
