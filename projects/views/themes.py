"""Themes ranked as equals: the combined order, adding themes, ranking them, closing it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from coproduce.lib.pagination import paginate
from projects.forms.themes import ThemeForm, ThemeRankingForm
from projects.lookups import get_project_for_user, get_theme_for_user
from projects.models import Membership, Theme, ThemeRank
from projects.services import themes as services
from projects.views.plan import plan_form_page


@login_required
@require_GET
def themes(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The group's combined order, with how each side of the group ranked the themes."""
    access = get_project_for_user(request, pk)
    project = access.project
    all_themes = list(Theme.objects.filter(project=project))
    ranks = list(
        ThemeRank.objects.filter(project=project).only("theme", "user", "position", "member_type")
    )
    results = services.theme_results(all_themes, ranks)
    ranked = {rank.user_id for rank in ranks}
    return render(
        request,
        "projects/themes.html",
        {
            "access": access,
            "project": project,
            "page": paginate(request, results),
            "ranked_count": len(ranked),
            "member_count": Membership.objects.current().filter(project=project).count(),
            "i_ranked": request.user.pk in ranked,
            "is_member": access.membership is not None,
            "closed": project.themes_closed_at is not None,
            "max_themes": services.MAX_THEMES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    access = get_project_for_user(request, pk, manage=True)
    return plan_form_page(
        request,
        access,
        ThemeForm,
        Theme(project=access.project),
        heading=_("Add a theme"),
        back="projects:themes",
        saved=_("The theme is added. Members can now rank it."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_edit(request: AuthenticatedHttpRequest, pk: int, theme_pk: int) -> HttpResponse:
    access, theme = get_theme_for_user(request, pk, theme_pk)
    return plan_form_page(
        request,
        access,
        ThemeForm,
        theme,
        heading=_("Change the theme “%(name)s”") % {"name": theme.name},
        back="projects:themes",
        saved=_("The theme is saved."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_rank(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A member ranks every theme: a number each without JavaScript, buttons to move with it."""
    access = get_project_for_user(request, pk)
    membership = access.membership
    if membership is None:
        raise PermissionDenied  # only members of the group rank its themes
    project = access.project
    if project.themes_closed_at is not None:
        messages.info(request, _("The ranking is closed, so it can no longer be changed."))
        return redirect("projects:themes", pk=pk)
    all_themes = list(Theme.objects.filter(project=project))
    if not all_themes:
        messages.info(request, _("The group has no themes to rank yet."))
        return redirect("projects:themes", pk=pk)
    mine = list(ThemeRank.objects.filter(project=project, user=request.user))
    form = ThemeRankingForm(
        request.POST if request.method == "POST" else None, themes=all_themes, mine=mine
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.theme_ranking_save(membership=membership, positions=form.positions())
        except services.ThemesError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("Your ranking is saved. You can change it until it closes.")
            )
            return redirect("projects:themes", pk=pk)
    return render(
        request,
        "projects/theme_rank.html",
        {"form": form, "project": project, "access": access, "ranked_before": bool(mine)},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def theme_ranking_state(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A leader closes the ranking, so the order stands (or opens it again)."""
    access = get_project_for_user(request, pk, manage=True)
    project = access.project
    closed = project.themes_closed_at is not None
    if request.method == "POST":
        # The form says what the leader saw, so sending it twice does not undo it.
        close = request.POST.get("close") == "yes"
        if services.theme_ranking_set_closed(project=project, actor=request.user, closed=close):
            messages.success(
                request,
                _("The ranking is closed. The order stands.")
                if close
                else _("The ranking is open again. Members can change their rankings."),
            )
        return redirect("projects:themes", pk=pk)
    return render(
        request,
        "projects/theme_ranking_state.html",
        {"project": project, "access": access, "closed": closed},
    )
