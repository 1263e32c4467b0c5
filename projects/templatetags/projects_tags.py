"""A project's breadcrumbs and section tabs, which every page of the project shows: drawn
through `fragments.drawn_from`, keyed by what they are worked out from, so a process draws
each variant once and reverses its addresses only then."""

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from coproduce.lib import fragments
from coproduce.templatetags.govuk import nav_current

register = template.Library()


@register.simple_tag(takes_context=True)
def project_tabs(context: template.Context) -> SafeString:
    pk = context["project"].pk
    path = getattr(context.get("request"), "path", "")
    # Decisions' and recruitment's accesses answer `can_manage` too.
    can_manage = bool(getattr(context.get("access"), "can_manage", False))
    return fragments.drawn_from(
        "projects/_tabs_drawn.html",
        {"project": pk, "path": path, "can_manage": can_manage},
        lambda: {"links": _tab_links(pk, path, can_manage)},
    )


def _tab_links(pk: int, path: str, can_manage: bool) -> list[tuple[str, str, bool]]:
    def link(name: str, label: str, exact: bool = False) -> tuple[str, str, bool]:
        href = reverse(name, args=[pk])
        return href, label, nav_current(path, href, exact)

    links = [
        link("projects:detail", gettext("Overview"), exact=True),
        link("projects:members", gettext("Members")),
        link("projects:plan", gettext("Plan")),
        link("projects:ground_rules", gettext("Ground rules")),
        link("meetings:list", gettext("Meetings")),
        link("decisions:proposals", gettext("Proposals")),
        link("decisions:decision_log", gettext("Decisions")),
        link("decisions:actions", gettext("Actions")),
    ]
    if can_manage:
        links += [
            link("projects:onboarding", gettext("Onboarding")),
            link("recruitment:calls", gettext("Recruitment")),
            link("payments:project_claims", gettext("Claims")),
        ]
    links += [
        link("projects:skills", gettext("Skills")),
        link("projects:stakeholders", gettext("Stakeholders")),
    ]
    return links


@register.simple_tag(takes_context=True)
def project_header(context: template.Context) -> SafeString:
    project = context["project"]
    pk, name = project.pk, project.name
    return fragments.drawn_from(
        "projects/_header_drawn.html",
        {"project": pk, "name": name},
        lambda: {
            "projects": reverse("projects:list"),
            "project": reverse("projects:detail", args=[pk]),
            "project_name": name,
        },
    )
