"""What every page of a project shows around its own content."""

import functools
from types import SimpleNamespace

from django import template
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# Each process remembers the tabs it drew for this many pages: a few kilobytes each.
TABS_REMEMBERED = 1024


def _drawn(project_pk: int, can_manage: bool, path: str) -> str:
    return get_template("projects/_tab_list.html").render(
        {
            "project": {"pk": project_pk},
            "access": {"can_manage": can_manage},
            "request": SimpleNamespace(path=path),
        }
    )


@functools.lru_cache(maxsize=TABS_REMEMBERED)
def _remembered(
    project_pk: int, can_manage: bool, path: str, language: str | None, prefix: str
) -> str:
    return _drawn(project_pk, can_manage, path)


@register.simple_tag(takes_context=True)
def project_tabs(context: template.Context) -> SafeString:
    """The project's tabs with the page shown marked. They depend only on the project, on
    whether the reader leads it, on the page's address and on the language (the addresses
    come from the URL patterns, which do not change while a process runs), so each process
    draws them once for each; anew every time under DEBUG, where templates change."""
    access = context.get("access")
    shown = (
        context["project"].pk,
        bool(getattr(access, "can_manage", False)),
        getattr(context.get("request"), "path", ""),
    )
    if settings.DEBUG:
        return mark_safe(_drawn(*shown))  # noqa: S308  # our own template, which escapes
    return mark_safe(_remembered(*shown, get_language(), get_script_prefix()))  # noqa: S308
