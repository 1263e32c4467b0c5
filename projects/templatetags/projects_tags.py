"""A project's breadcrumbs and section tabs, which every page of the project shows: drawn
from plain values through `fragments.drawn`, so a process draws each variant once."""

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
    access = context.get("access")
    path = getattr(context.get("request"), "path", "")

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
    # Decisions' and recruitment's accesses answer `can_manage` too.
    if getattr(access, "can_manage", False):
        links += [
            link("projects:onboarding", gettext("Onboarding")),
            link("recruitment:calls", gettext("Recruitment")),
            link("payments:project_claims", gettext("Claims")),
        ]
    links += [
        link("projects:skills", gettext("Skills")),
        link("projects:stakeholders", gettext("Stakeholders")),
    ]
    return fragments.drawn("projects/_tabs_drawn.html", {"links": links})


@register.simple_tag(takes_context=True)
def project_header(context: template.Context) -> SafeString:
    project = context["project"]
    return fragments.drawn(
        "projects/_header_drawn.html",
        {
            "projects": reverse("projects:list"),
            "project": reverse("projects:detail", args=[project.pk]),
            "project_name": project.name,
        },
    )
