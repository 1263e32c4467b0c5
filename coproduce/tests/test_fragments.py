"""Kept rows: drawn once from their values, drawn again when any of them changes."""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.template.loader import get_template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from coproduce.lib import fragments
from decisions.models import Entry

ROW = "decisions/_public_entry.html"


def shown(**changes: object) -> dict[str, object]:
    return {
        "pk": 7,
        "project_pk": 1,
        "source": "A meeting",
        "created_at": datetime.datetime(2026, 11, 3, 10, 0, tzinfo=datetime.UTC),
        "answered": False,
        "you_said": "Amira said the room was too loud.",
        "named": ["Amira H"],
        "decision": None,
        "link_decision": False,
        "we_did": "We booked a quieter room.",
        "change_status": "Done",
        "actions": [],
    } | changes


@pytest.mark.django_db
def test_it_draws_a_row_once_and_then_takes_it_from_the_cache() -> None:
    first = fragments.rendered_rows(ROW, [shown()])
    with CaptureQueriesContext(connection) as queries:
        again = fragments.rendered_rows(ROW, [shown()] * 3)
    assert again == first * 3
    # The process that drew it remembers it: no question to the database at all.
    assert len(queries) == 0
    # Another app server (one that has not drawn it) asks the shared cache once for them all,
    # and draws and stores nothing.
    fragments.forget_remembered()
    with CaptureQueriesContext(connection) as queries:
        assert fragments.rendered_rows(ROW, [shown()] * 3) == first * 3
    assert len(queries) == 1


@pytest.mark.django_db
def test_it_draws_a_row_again_when_anything_it_shows_changes() -> None:
    before = fragments.rendered_rows(ROW, [shown()])[0]
    after = fragments.rendered_rows(ROW, [shown(named=["Amira H", "Tom"])])[0]
    assert "Amira H, Tom" in after
    assert "Tom" not in before
    assert fragments.row_key(ROW, shown()) != fragments.row_key(ROW, shown(answered=True))


@pytest.mark.django_db
def test_it_keeps_rows_apart_by_language_and_time_zone() -> None:
    key = fragments.row_key(ROW, shown())
    with translation.override("cy"):
        assert fragments.row_key(ROW, shown()) != key
    with timezone.override("America/New_York"):
        assert fragments.row_key(ROW, shown()) != key


def test_it_refuses_anything_but_plain_values() -> None:
    # A model could show more than the key holds, so a row never takes one.
    with pytest.raises(TypeError, match="plain values"):
        fragments.row_key(ROW, shown(entry=Entry()))


@pytest.mark.django_db
def test_it_puts_the_token_of_whoever_asks_in_a_kept_form(rf: RequestFactory) -> None:
    request = rf.get("/")
    html = fragments.rendered_rows(ROW, [shown()], request)[0]
    assert fragments.CSRF_SLOT not in html
    assert 'name="csrfmiddlewaretoken" value="' in html


@pytest.mark.django_db
def test_it_keeps_any_number_of_rows_in_the_same_few_queries() -> None:
    kept = caches["kept"]

    def store(count: int) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert kept.set_many({f"row-{n}": f"<p>{n}</p>" for n in range(count)}) == []
        return len(queries)

    assert store(3) == store(200)
    assert kept.get_many(["row-0", "row-199"]) == {"row-0": "<p>0</p>", "row-199": "<p>199</p>"}
    # Storing a key again replaces what it held.
    kept.set_many({"row-0": "<p>again</p>"})
    assert kept.get("row-0") == "<p>again</p>"


@pytest.mark.django_db
def test_it_remembers_a_drawn_fragment_in_the_process_alone(rf: RequestFactory) -> None:
    request = rf.get("/")
    first = fragments.drawn(ROW, shown(), request)
    with CaptureQueriesContext(connection) as queries:
        again = fragments.drawn(ROW, shown(), request)
    assert not queries
    assert fragments.CSRF_SLOT not in again
    # The same HTML, each with a token of its own (Django masks it anew each time).
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", again) == token.sub("", first)
    # Nothing went to the shared cache: a server that lacks it draws it again.
    assert caches["kept"].get(fragments.row_key(ROW, shown())) is None
    assert "Tom" in fragments.drawn(ROW, shown(named=["Tom"]), request)


def test_it_forgets_the_least_lately_used_rows_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fragments, "MOST_REMEMBERED", 2)
    fragments.forget_remembered()
    fragments._remember({"a": "<p>a</p>", "b": "<p>b</p>"})
    assert fragments._recalled(["a"]) == {"a": "<p>a</p>"}  # "a" used lately, "b" not
    fragments._remember({"c": "<p>c</p>"})
    assert fragments._recalled(["a", "b", "c"]) == {"a": "<p>a</p>", "c": "<p>c</p>"}
    fragments.forget_remembered()


def test_it_keys_a_row_by_the_templates_it_includes_too() -> None:
    # A deployment that changes only an included template must not serve rows kept before.
    sources = fragments._sources("meetings/_meeting_row.html", set())
    assert get_template("meetings/_when.html").template.source in sources  # type: ignore[attr-defined]
    assert get_template("meetings/_status_tag.html").template.source in sources  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_it_works_a_fragments_values_out_only_when_it_draws_it(rf: RequestFactory) -> None:
    fragments.forget_remembered()
    worked_out: list[str] = []

    def values(name: str) -> dict[str, object]:
        worked_out.append(name)
        return shown(named=[name])

    first = fragments.drawn_from(ROW, {"name": "Amira H"}, lambda: values("Amira H"))
    again = fragments.drawn_from(ROW, {"name": "Amira H"}, lambda: values("Amira H"))
    other = fragments.drawn_from(ROW, {"name": "Tom"}, lambda: values("Tom"))

    assert first == again
    assert "Tom" in other
    assert "Tom" not in first
    # Drawn once for each set of inputs; the second ask took it from the process's memory.
    assert worked_out == ["Amira H", "Tom"]
    fragments.forget_remembered()
