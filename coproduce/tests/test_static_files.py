"""The static files as production collects and serves them: hashed names throughout, and
nothing the stylesheet or the scripts name missing (a missing file makes collectstatic fail
and every page answer 500)."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from pytest_django.fixtures import Settings

from conftest import client_for
from coproduce.tests.test_foundation import ROOT, run_settings

BUILD = ROOT / "static" / "build"
CSS_URL = re.compile(r"""url\(\s*["']?(?P<url>[^"')]+)["']?\s*\)""")
HASHED = r"\.[0-9a-f]{12}\."


def css_urls(css: str) -> list[str]:
    return [url for url in CSS_URL.findall(css) if not url.startswith(("data:", "#"))]


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """collectstatic as a production server runs it, into a folder of its own."""
    if not (BUILD / "main.css").exists():
        pytest.fail("The front end is not built: run `make assets` first.")
    var_dir = tmp_path_factory.mktemp("var")
    result = run_settings(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "a-long-random-looking-secret-for-collecting-static-files-0123",
            "ALLOWED_HOSTS": "127.0.0.1",
            "COPRODUCE_VAR_DIR": str(var_dir),
        },
        "import django; from django.core.management import call_command; django.setup(); "
        "call_command('collectstatic', interactive=False, verbosity=0)",
    )
    assert result.returncode == 0, result.stderr
    return var_dir / "staticfiles"


def manifest(collected: Path) -> dict[str, str]:
    paths: dict[str, str] = json.loads((collected / "staticfiles.json").read_text())["paths"]
    return paths


def test_it_finds_every_file_the_built_stylesheet_names() -> None:
    urls = css_urls((BUILD / "main.css").read_text())
    missing = [url for url in urls if not finders.find(url.removeprefix("/static/"))]
    assert not missing, f"`make assets` did not copy these into static/build/: {missing}"


def test_it_keeps_the_stylesheet_to_our_own_brand() -> None:
    css = (BUILD / "main.css").read_text()
    # Both are reserved for GOV.UK: no GDS Transport font and no crown or crest.
    assert "@font-face" not in css
    assert "GDS Transport" not in css
    assert "crest" not in css.replace(".govuk-footer__copyright-logo", "")


def test_it_collects_the_stylesheet_with_hashed_names_throughout(collected: Path) -> None:
    paths = manifest(collected)
    css = (collected / paths["build/main.css"]).read_text()
    for url in css_urls(css):
        assert re.search(HASHED, url), f"{url} is not cache-busted"
        assert (collected / url.removeprefix("/static/")).exists(), url


def test_it_rewrites_module_imports_to_the_hashed_names(collected: Path) -> None:
    paths = manifest(collected)
    assert re.search(HASHED, paths["build/init.js"])
    init = (collected / paths["build/init.js"]).read_text()
    imported = re.findall(r"""import\s[^;]*?from\s*["']([^"']+)["']""", init)
    assert imported == [f"./{Path(paths['build/govuk-frontend.min.js']).name}"]
    assert (collected / "build" / imported[0]).exists()


def test_it_serves_pages_with_the_hashed_names(
    collected: Path, settings: Settings, db: None
) -> None:
    settings.STATIC_ROOT = collected
    settings.STORAGES = settings.STORAGES | {
        "staticfiles": {"BACKEND": "coproduce.lib.staticfiles.ManifestStorage"}
    }
    response = client_for(None).get(reverse("accounts:sign_in"))
    assert response.status_code == 200
    html = response.content.decode()
    paths = manifest(collected)
    for name in ("build/main.css", "build/supported.js", "build/init.js", "build/htmx.min.js"):
        assert f'"/static/{paths[name]}"' in html, name


def test_it_precompresses_static_files_with_brotli_and_gzip(collected: Path) -> None:
    stylesheet = collected / manifest(collected)["build/main.css"]
    assert Path(f"{stylesheet}.br").stat().st_size < stylesheet.stat().st_size
    assert Path(f"{stylesheet}.gz").stat().st_size < stylesheet.stat().st_size


def test_it_compresses_pages_for_browsers_that_accept_it(db: None) -> None:
    page = client_for(None).get(reverse("accounts:sign_in"), headers={"accept-encoding": "gzip"})
    assert page["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in page["Vary"]
    assert client_for(None).get(reverse("accounts:sign_in")).get("Content-Encoding") is None
