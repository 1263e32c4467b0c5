from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.models import User
from coproduce.lib.pagination import paginate
from coproduce.lib.todo import Todo
from decisions import todo as decision_todos
from meetings import todo as meeting_todos
from payments import todo as payment_todos
from projects import todo as project_todos
from recruitment import todo as recruitment_todos

# Each app says what needs the person; the home page only merges, groups and sorts.
TODO_SOURCES: tuple[Callable[[User], list[Todo]], ...] = (
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
        return max(0, len(self.todos) - GROUP_CAP)


def todo_groups(user: User) -> list[TodoGroup]:
    """Everything that needs the person, one group per project, most urgent first."""
    groups: dict[str, TodoGroup] = {}
    for source in TODO_SOURCES:
        for todo in source(user):
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
    groups = todo_groups(request.user)
    wanted = request.GET.get("group")
    shown = next((group for group in groups if group.key == wanted), None)
    if shown is not None:
        return render(
            request, "home_group.html", {"group": shown, "page": paginate(request, shown.todos)}
        )
    return render(request, "home_todo.html", {"groups": groups})


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
