"""Rows of a long list drawn once and kept in the shared cache, keyed by what they show.

Drawing a row with the template engine costs far more than finding its data: a page of 25
"you said, we did" entries spent four fifths of its time in the template. So a list can hand
each row's values to `rendered_rows`, which asks the cache for all the rows at once (one
query to the database cache that every app server shares) and draws only those it lacks.

A row's key is made of everything that can change what it shows: its values, the row
template's own text, the site's URL patterns and translations, the language and the time
zone. A row template
sees nothing but its values (no request, no person), so two rows with the same key always
draw the same HTML, and nothing has to remember to forget a row when the data changes: a
change gives another key, and the old row ages out of the cache. A form in a row puts
`{{ csrf_slot }}` where the CSRF token goes; each page fills in its own token.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Rows are small; a week lets a quiet list stay drawn between visits.
ROW_TIMEOUT = 60 * 60 * 24 * 7
PLAIN = (str, int, float, bool, Decimal, datetime.date, datetime.time, type(None))

# Stands in a kept row for the CSRF token of whoever is shown it. Made from the secret key,
# so nobody can write it into their own text to have the token printed there, and the
# same on every server, which share the rows.
CSRF_SLOT = "csrf-" + hashlib.sha256(f"csrf-slot:{settings.SECRET_KEY}".encode()).hexdigest()[:24]

# What the code gives each key, worked out once per process from files that do not change
# while it runs (the template's text, the URL patterns): not state, so servers agree.
_code_digests: dict[str, str] = {}


def _plain(value: Any) -> Any:
    """The value as plain data whose repr is the same in every process, or TypeError."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), _plain(item)) for key, item in value.items()))
    # A model or other object could show more than the key holds.
    raise TypeError(f"a cached row takes plain values, not {type(value).__name__}")


def _url_patterns(resolver: Any) -> list[str]:
    found = []
    for pattern in resolver.url_patterns:
        found.append(f"{getattr(pattern, 'namespace', '')}:{pattern.pattern}")
        if hasattr(pattern, "url_patterns"):
            found.extend(_url_patterns(pattern))
    return found


def _catalogues() -> str:
    """Our translations and Django's release: new wording deployed means rows drawn anew."""
    found = hashlib.sha256(django.get_version().encode())
    for folder in settings.LOCALE_PATHS:
        for catalogue in sorted(Path(folder).glob("**/*.mo")):
            found.update(catalogue.read_bytes())
    return found.hexdigest()


@functools.cache
def _site_digest() -> str:
    """The URL patterns and translations, the same for every row template: once a process."""
    return hashlib.sha256(f"{_url_patterns(get_resolver())}\n{_catalogues()}".encode()).hexdigest()


def _code_digest(template_name: str) -> str:
    digest = _code_digests.get(template_name)
    if digest is None:
        source = get_template(template_name).template.source  # type: ignore[attr-defined]
        digest = hashlib.sha256(f"{source}\n{_site_digest()}".encode()).hexdigest()[:16]
        _code_digests[template_name] = digest
    return digest


def row_key(template_name: str, values: Mapping[str, Any]) -> str:
    plain = repr(_plain(values))
    where = f"{get_language()}|{timezone.get_current_timezone_name()}"
    digest = hashlib.sha256(f"{where}|{plain}".encode()).hexdigest()[:32]
    return f"row:{template_name}:{_code_digest(template_name)}:{digest}"


def rendered_rows(
    template_name: str, rows: Sequence[Mapping[str, Any]], request: HttpRequest | None = None
) -> list[SafeString]:
    """Each row drawn by `template_name` from its values alone, from the cache when there;
    with `request`, the CSRF token of the person asking in place of `{{ csrf_slot }}`."""
    if not rows:
        return []
    keys = [row_key(template_name, values) for values in rows]
    found: dict[str, str] = caches["kept"].get_many(keys)
    template = get_template(template_name)
    drawn: dict[str, str] = {}
    html = []
    for key, values in zip(keys, rows, strict=True):
        text = found.get(key) or drawn.get(key)
        if text is None:
            text = drawn[key] = template.render({**values, "csrf_slot": CSRF_SLOT})
        html.append(text)
    if drawn:
        caches["kept"].set_many(drawn, ROW_TIMEOUT)
    token = get_token(request) if request is not None else ""
    # Drawn by our own templates, which escape what they show.
    return [mark_safe(text.replace(CSRF_SLOT, token)) for text in html]  # noqa: S308
