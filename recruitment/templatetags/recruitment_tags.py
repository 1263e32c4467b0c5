"""What a project's own pages show of recruitment, without projects importing this app."""

from typing import TypedDict

from django import template
from django.db.models import QuerySet

from projects.lookups import ProjectAccess
from recruitment.models import Call

register = template.Library()


class PanelCall(TypedDict):
    pk: int
    title: str


@register.simple_tag
def panel_calls_for(access: ProjectAccess) -> QuerySet[Call, PanelCall]:
    """The project's calls on whose selection panel the signed-in member sits: the page
    shows only their titles and links."""
    if access.membership is None:
        return Call.objects.none().values("pk", "title")
    return Call.objects.filter(
        project=access.project, panel__user=access.membership.user_id
    ).values("pk", "title")
