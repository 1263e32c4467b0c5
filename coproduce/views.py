import itertools
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from coproduce.lib.history import HistoryFilterForm, HistorySource, events_of, history_of
from coproduce.lib.pagination import paginate
from coproduce.lib.todo import Todo
from decisions import history as decisions_history
from decisions import todo as decision_todos
from meetings import history as meetings_history
from meetings import todo as meeting_todos
from payments import todo as payment_todos
from projects import history as projects_history
from projects import todo as project_todos
from projects.lookups import get_project_for_user
from recruitment import history as recruitment_history
from recruitment import todo as recruitment_todos


class TodoSource(Protocol):
    def __call__(self, user: User, *, per_project: int | None = None) -> list[Todo]: ...


# Each app says what needs the person; the home page only merges, groups and sorts.
TODO_SOURCES: tuple[TodoSource, ...] = (
    meeting_todos.todos_for,
    decision_todos.todos_for,
    recruitment_todos.todos_for,
    payment_todos.todos_for,
    project_todos.todos_for,
)

# Lines a group shows on the home page; the rest are one "see all" link away.
GROUP_CAP = 5
# The key in ?group= for work that belongs to no project (finance's).
NO_PROJECT = "finance"


@dataclass
class TodoGroup:
    key: str
    title: str
    url: str
    todos: list[Todo] = field(default_factory=list)

    @property
    def first(self) -> list[Todo]:
        return self.todos[:GROUP_CAP]

    @property
    def more(self) -> int:
        left_behind = sum(todo.not_fetched for todo in self.todos)
        return max(0, len(self.todos) + left_behind - GROUP_CAP)


def todo_groups(user: User, *, per_project: int | None = None) -> list[TodoGroup]:
    """What needs the person, one group per project, most urgent first.

    With `per_project`, sources whose lines can run long fetch only that many of each kind
    a project, and say how many they left, which is all the overview shows; the page for one
    group fetches everything.
    """
    groups: dict[str, TodoGroup] = {}
    for source in TODO_SOURCES:
        for todo in source(user, per_project=per_project):
            project: Any = todo.project
            key = str(project.pk) if project is not None else NO_PROJECT
            if key not in groups:
                groups[key] = TodoGroup(
                    key=key,
                    title=project.name if project is not None else _("Payments"),
                    url=reverse("projects:detail", args=[project.pk])
                    if project is not None
                    else reverse("payments:finance"),
                )
            groups[key].todos.append(todo)
    for group in groups.values():
        group.todos.sort(key=lambda todo: todo.sort_key)
    return sorted(groups.values(), key=lambda group: (group.todos[0].sort_key, group.title))


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return render(request, "home.html")
    assert isinstance(request.user, User)
    if wanted := request.GET.get("group"):
        shown = next((group for group in todo_groups(request.user) if group.key == wanted), None)
        if shown is not None:
            return render(
                request,
                "home_group.html",
                {"group": shown, "page": paginate(request, shown.todos)},
            )
    groups = todo_groups(request.user, per_project=GROUP_CAP)
    return render(request, "home_todo.html", {"groups": groups})


# Each app says what happened in a project from its own rows; the history page only unions,
# pages and words them. `projects` sits below `meetings` and `decisions`, so it is here,
# above them all, that they meet.
HISTORY_SOURCES: tuple[HistorySource, ...] = (
    projects_history.SOURCE,
    recruitment_history.SOURCE,
    meetings_history.SOURCE,
    decisions_history.SOURCE,
)


@login_required
@require_GET
def project_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """What happened in the group, newest first and by month, for everyone in it."""
    access = get_project_for_user(request, pk)
    project = access.project
    kinds = {key: label for source in HISTORY_SOURCES for key, label in source.kinds.items()}
    form = HistoryFilterForm(request.GET or None, kinds=kinds)
    chosen, since, until = form.choice
    # One UNION across the sources, paged by the database: see `union_of` for why.
    events = history_of(HISTORY_SOURCES, project, kinds=chosen, since=since, until=until)
    page = paginate(request, events if events is not None else [])
    lines = events_of(HISTORY_SOURCES, page.object_list, project)
    months = [
        (month, list(items)) for month, items in itertools.groupby(lines, key=lambda e: e.month)
    ]
    return render(
        request,
        "history/project_history.html",
        {
            "access": access,
            "project": project,
            "form": form,
            "page": page,
            "months": months,
            "filtered": bool(chosen or since or until),
        },
        status=400 if form.errors else 200,
    )


@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers: the app is up and its database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
