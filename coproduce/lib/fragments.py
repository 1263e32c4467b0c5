"""Rows of a long list drawn once and kept in the shared cache, keyed by what they show.

Drawing a row with the template engine costs far more than finding its data: a page of 25
"you said, we did" entries spent four fifths of its time in the template. So a list can hand
each row's values to `rendered_rows`, which asks the cache for all the rows at once (one
query to the database cache that every app server shares) and draws only those it lacks.

A row's key is made of everything that can change what it shows: its values, the text of
the row template and of those it includes, the site's URL patterns and translations, the
language and the time zone. A row template sees nothing but its values (no request, no
person), so two rows with the same key always draw the same HTML, and nothing has to
remember to forget a row when the data changes: a change gives another key, and the old row
ages out of the cache. A form in a row puts `{{ csrf_slot }}` where the CSRF token goes;
each page fills in its own token.

Because a key names exactly what its row shows, each process also remembers the rows it has
used lately (a bounded number) and asks the shared cache only for the others: the same key
draws the same HTML on every server, so this memory is not state that servers could
disagree on. `drawn` keeps a single fragment in that memory alone (the page layout: cheap to
draw again on a server that lacks it, and asked for by every page); `drawn_from` keys one
by what its values are worked out from, so they are worked out only when it is drawn.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.urls import get_resolver
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

# Rows are small; a week lets a quiet list stay drawn between visits.
ROW_TIMEOUT = 60 * 60 * 24 * 7
PLAIN = (str, int, float, bool, Decimal, datetime.date, datetime.time, type(None))
_SCALARS = frozenset({*PLAIN, datetime.datetime})

# Stands in a kept row for the CSRF token of whoever is shown it. Made from the secret key,
# so nobody can write it into their own text to have the token printed there, and the
# same on every server, which share the rows.
CSRF_SLOT = "csrf-" + hashlib.sha256(f"csrf-slot:{settings.SECRET_KEY}".encode()).hexdigest()[:24]

# What the code gives each key, worked out once per process from files that do not change
# while it runs (the template's text, the URL patterns): not state, so servers agree.
_code_digests: dict[str, str] = {}

# Rows and layouts a process remembers, the least lately used forgotten first: a few MB.
MOST_REMEMBERED = 4096
_remembered: OrderedDict[str, str] = OrderedDict()
_remembered_lock = threading.Lock()


def _recalled(keys: Sequence[str]) -> dict[str, str]:
    with _remembered_lock:
        found = {key: _remembered[key] for key in keys if key in _remembered}
        for key in found:
            _remembered.move_to_end(key)
    return found


def _remember(texts: Mapping[str, str]) -> None:
    with _remembered_lock:
        _remembered.update(texts)
        while len(_remembered) > MOST_REMEMBERED:
            _remembered.popitem(last=False)


def forget_remembered() -> None:
    """Forget every row this process remembers (an erasure: none may outlive the person)."""
    with _remembered_lock:
        _remembered.clear()


def _plain(value: Any) -> Any:
    """The value as plain data whose repr is the same in every process, or TypeError."""
    kind = type(value)
    # The usual kinds first, by exact type: a page keys forty rows of a dozen values or so.
    if kind in _SCALARS:
        return value
    if kind is dict:
        return tuple(sorted([(str(key), _plain(item)) for key, item in value.items()]))
    if kind is list or kind is tuple:
        return tuple([_plain(item) for item in value])
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, list | tuple):
        return tuple([_plain(item) for item in value])
    if isinstance(value, Mapping):
        return tuple(sorted([(str(key), _plain(item)) for key, item in value.items()]))
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


def _sources(template_name: str, seen: set[str]) -> list[str]:
    """The text of the template and of every template it includes or extends, however deep:
    a change to any of them changes what the row draws."""
    if template_name in seen:
        return []
    seen.add(template_name)
    compiled = get_template(template_name).template  # type: ignore[attr-defined]
    found = [compiled.source]
    for node in compiled.nodelist.get_nodes_by_type(IncludeNode):
        name = node.template.var  # a FilterExpression's constant, or a Variable
        if not isinstance(name, str):
            raise TypeError(f"{template_name} includes a template named by a variable")
        found += _sources(name, seen)
    for node in compiled.nodelist.get_nodes_by_type(ExtendsNode):
        found += _sources(node.parent_name.var, seen)
    return found


def _code_digest(template_name: str) -> str:
    digest = _code_digests.get(template_name)
    if digest is None:
        sources = "\n".join(_sources(template_name, set()))
        digest = hashlib.sha256(f"{sources}\n{_site_digest()}".encode()).hexdigest()[:16]
        _code_digests[template_name] = digest
    return digest


def _where() -> str:
    return f"{get_language()}|{timezone.get_current_timezone_name()}"


def row_key(template_name: str, values: Mapping[str, Any], where: str | None = None) -> str:
    """The key of the row `template_name` draws from `values`; `where` is `_where()`, which
    a caller keying many rows works out once."""
    plain = repr(_plain(values))
    where = where or _where()
    digest = hashlib.sha256(f"{where}|{plain}".encode()).hexdigest()[:32]
    return f"row:{template_name}:{_code_digest(template_name)}:{digest}"


def _with_token(texts: Sequence[str], request: HttpRequest | None) -> list[SafeString]:
    token = get_token(request) if request is not None else ""
    # Drawn by our own templates, which escape what they show.
    return [mark_safe(text.replace(CSRF_SLOT, token)) for text in texts]  # noqa: S308


def rendered_rows(
    template_name: str, rows: Sequence[Mapping[str, Any]], request: HttpRequest | None = None
) -> list[SafeString]:
    """Each row drawn by `template_name` from its values alone, from this process's memory or
    the shared cache when there; with `request`, the CSRF token of the person asking in place
    of `{{ csrf_slot }}`."""
    if not rows:
        return []
    where = _where()
    keys = [row_key(template_name, values, where) for values in rows]
    found = _recalled(keys)
    if missing := [key for key in dict.fromkeys(keys) if key not in found]:
        shared: dict[str, str] = caches["kept"].get_many(missing)
        found |= shared
        template = get_template(template_name)
        drawn: dict[str, str] = {}
        for key, values in zip(keys, rows, strict=True):
            if key not in found:
                found[key] = drawn[key] = template.render({**values, "csrf_slot": CSRF_SLOT})
        if drawn:
            caches["kept"].set_many(drawn, ROW_TIMEOUT)
        _remember({key: found[key] for key in missing})
    return _with_token([found[key] for key in keys], request)


def drawn(
    template_name: str, values: Mapping[str, Any], request: HttpRequest | None = None
) -> SafeString:
    """One fragment drawn by `template_name` from `values` alone, remembered by this process
    only; with `request`, the asker's CSRF token in place of `{{ csrf_slot }}`."""
    return drawn_from(template_name, values, lambda: values, request)


def drawn_from(
    template_name: str,
    inputs: Mapping[str, Any],
    values: Callable[[], Mapping[str, Any]],
    request: HttpRequest | None = None,
) -> SafeString:
    """As `drawn`, but keyed by `inputs`, the plain values `values()` works the fragment's
    values out from (with the site's addresses and the language, which every key holds):
    a process that has drawn it once neither works them out nor keys them again. Page
    headers and tabs reverse a dozen addresses; this spares every page that work."""
    key = row_key(template_name, inputs)
    text = _recalled([key]).get(key)
    if text is None:
        text = get_template(template_name).render({**values(), "csrf_slot": CSRF_SLOT})
        _remember({key: text})
    return _with_token([text], request)[0]
