import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from accounts.models import Organisation, User
from conftest import Cast, client_for
from payments.models import Claim
from projects.models import Invitation, Membership, Project

ROOT = Path(__file__).resolve().parents[2]


def run_settings(env: dict[str, str], code: str) -> subprocess.CompletedProcess[str]:
    # The browser tests allow async-unsafe calls in this process; production must not.
    unwanted = {"SECRET_KEY", "DJANGO_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean | {"DJANGO_SETTINGS_MODULE": "coproduce.settings"} | env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key() -> None:
    result = run_settings({"DJANGO_ENV": "production"}, "import django; django.setup()")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_it_passes_the_deployment_checklist_with_production_settings() -> None:
    result = run_settings(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "k" * 20 + "a-long-random-looking-secret-for-the-check-0123456789",
            "ALLOWED_HOSTS": "coproduce.example.org",
            "SITE_URL": "https://coproduce.example.org",
            "EMAIL_HOST": "smtp.example.org",
        },
        "import django; from django.core.management import call_command; django.setup(); "
        "call_command('check', deploy=True, fail_level='WARNING')",
    )
    assert result.returncode == 0, result.stderr


def test_it_keeps_database_connections_open_on_postgresql() -> None:
    result = run_settings(
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/coproduce"},
        "from django.conf import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'])",
    )
    assert result.stdout.strip() == "600", result.stderr


def test_it_keeps_no_state_in_an_app_servers_memory() -> None:
    result = run_settings(
        {"DJANGO_ENV": "production", "SECRET_KEY": "s" * 60, "ALLOWED_HOSTS": "example.org"},
        "from django.conf import settings; "
        "print(settings.SESSION_ENGINE, settings.CACHES['default']['BACKEND'], "
        "settings.TASKS['default']['BACKEND'], settings.STORAGES['default']['BACKEND'])",
    )
    assert result.stdout.split() == [
        "accounts.sessions",
        "django.core.cache.backends.db.DatabaseCache",
        "django_tasks_db.DatabaseBackend",
        "django.core.files.storage.FileSystemStorage",
    ], result.stderr


def test_it_stores_uploads_in_the_bucket_the_environment_names() -> None:
    result = run_settings(
        {
            "AWS_STORAGE_BUCKET_NAME": "riverside-uploads",
            "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:8333",
            "AWS_ACCESS_KEY_ID": "key",
            "AWS_SECRET_ACCESS_KEY": "secret",
        },
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl, "
        "s.querystring_auth, s.querystring_expire, s.file_overwrite)",
    )
    assert result.stdout.split() == [
        "S3Storage",
        "riverside-uploads",
        "http://127.0.0.1:8333",
        "private",
        "True",
        "300",
        "False",
    ], result.stderr


def test_it_lays_every_page_out_accessibly(cast: Cast) -> None:
    html = client_for(cast.member).get(reverse("projects:list")).content.decode()
    assert '<html lang="en-gb"' in html
    assert 'href="#main-content" class="govuk-skip-link"' in html
    assert 'id="main-content"' in html
    assert "Riverside Health and Care Partnership" in html
    assert reverse("accessibility") in html
    assert "https://" not in html.split("<body")[0], "nothing may load from another site"


def test_it_shows_an_accessibility_statement_with_the_contact(cast: Cast, client: Client) -> None:
    Organisation.objects.filter(pk=1).update(accessibility_contact_email="access@example.org")
    html = client.get(reverse("accessibility")).content.decode()
    assert "Accessibility statement" in html
    assert "access@example.org" in html


def test_it_gives_a_helpful_404_page(client: Client, db: None) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_it_answers_health_checks(client: Client, db: None) -> None:
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


def test_it_loads_the_demo_twice_without_duplicating_anything(db: None, settings: Settings) -> None:
    settings.DEBUG = True
    call_command("demo")
    counts = (
        User.objects.count(),
        Project.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        Claim.objects.count(),
    )
    call_command("demo")
    assert counts == (15, 2, 14, 1, 4)
    assert counts == (
        User.objects.count(),
        Project.objects.count(),
        Membership.objects.count(),
        Invitation.objects.count(),
        Claim.objects.count(),
    )
    assert User.objects.get(email="amira@example.org").check_password("coproduce-demo")


def test_it_will_not_load_the_demo_with_debug_off(db: None, settings: Settings) -> None:
    import pytest
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="published password"):
        call_command("demo")
    assert User.objects.count() == 0


def test_it_sends_a_content_security_policy_that_allows_only_our_own_files(
    client: Client, db: None
) -> None:
    policy = client.get(reverse("accessibility"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_it_explains_links_that_only_work_from_a_button(cast: Cast) -> None:
    response = client_for(cast.member).get(reverse("accounts:sign_out"))
    assert response.status_code == 405
    assert "only works when you press its button" in response.content.decode()
    assert response["Allow"] == "POST, OPTIONS"
