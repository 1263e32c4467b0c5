from collections.abc import Hashable
from typing import Any

from django.conf import settings
from django.urls.resolvers import URLResolver
from django.utils.translation import get_language


def site_root(base_url: str | None) -> str:
    """The address links in emails start with: the request's, else the SITE_URL setting."""
    return str(base_url or getattr(settings, "SITE_URL", "") or "").rstrip("/")


# --- Addresses reversed once ---------------------------------------------------------------
#
# A page of 40 agenda items says `{% url %}` a few hundred times, and each reverse matches
# the name against every pattern of the URLconf again. The answer depends only on the
# URLconf, the script prefix, the language and the arguments, none of which change while a
# process runs, so each process remembers its answers (a bounded number; nothing another app
# server would need). Installed by `coproduce.apps`.

MOST_REVERSED = 50_000


def remember_reversed() -> None:
    """Make URL resolvers remember the addresses they reversed (idempotent)."""
    resolver_class: Any = URLResolver  # the stubs leave out the private method
    original = resolver_class._reverse_with_prefix
    if getattr(original, "remembers", False):
        return
    memory: dict[Hashable, str] = {}

    def reverse_with_prefix(
        self: URLResolver, lookup_view: Any, _prefix: str, *args: Any, **kwargs: Any
    ) -> str:
        try:
            key: Hashable = (
                id(self),
                get_language(),
                lookup_view,
                _prefix,
                args,
                frozenset(kwargs.items()),
            )
            return memory[key]
        except TypeError:  # an argument that cannot be a key
            return str(original(self, lookup_view, _prefix, *args, **kwargs))
        except KeyError:
            address = str(original(self, lookup_view, _prefix, *args, **kwargs))
            if len(memory) < MOST_REVERSED:
                memory[key] = address
            return address

    reverse_with_prefix.remembers = True  # type: ignore[attr-defined]
    resolver_class._reverse_with_prefix = reverse_with_prefix
