"""A meeting's breadcrumbs and section tabs, which every page of the meeting shows: drawn
through `fragments.drawn_from`, keyed by what they are worked out from, so a process draws
each variant once and reverses its addresses only then."""

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from coproduce.lib import fragments
from coproduce.templatetags.govuk import nav_current

register = template.Library()

# Closing, approving the minutes and the check live at their own addresses but belong to the
# "After the meeting" tab.
WITHIN_AFTER = ("meetings:close", "meetings:minutes_approve", "meetings:check")


@register.simple_tag(takes_context=True)
def meeting_tabs(context: template.Context) -> SafeString:
    pk = context["meeting"].pk
    access = context.get("access")
    path = getattr(context.get("request"), "path", "")
    can_manage = access is not None and access.can_manage
    return fragments.drawn_from(
        "meetings/_tabs_drawn.html",
        {"meeting": pk, "path": path, "can_manage": can_manage},
        lambda: _tabs(pk, path, can_manage),
    )


def _tabs(pk: int, path: str, can_manage: bool) -> dict[str, object]:
    def link(name: str, label: str, exact: bool = False) -> tuple[str, str, bool]:
        href = reverse(name, args=[pk])
        return href, label, nav_current(path, href, exact)

    after = reverse("meetings:cooling_off", args=[pk])
    later = []
    if can_manage:
        later.append(link("meetings:invitations", gettext("Invitations")))
    return {
        "links": [
            link("meetings:detail", gettext("Overview"), exact=True),
            link("meetings:agenda", gettext("Agenda")),
            link("meetings:papers", gettext("Papers")),
            link("meetings:access_plan", gettext("Access plan")),
            link("meetings:record", gettext("Record")),
        ],
        "after": after,
        "after_current": nav_current(path, after),
        "after_within": any(nav_current(path, reverse(name, args=[pk])) for name in WITHIN_AFTER),
        "later": later,
    }


@register.simple_tag(takes_context=True)
def meeting_header(context: template.Context) -> SafeString:
    meeting = context["meeting"]
    project_pk = meeting.project_id
    name = meeting.project.name
    return fragments.drawn_from(
        "meetings/_header_drawn.html",
        {"project": project_pk, "name": name},
        lambda: {
            "projects": reverse("projects:list"),
            "project": reverse("projects:detail", args=[project_pk]),
            "project_name": name,
            "meetings": reverse("meetings:list", args=[project_pk]),
            "ground_rules": reverse("projects:ground_rules", args=[project_pk]),
        },
    )
