"""What `make bench` times: a page, who asks for it, and the data the pages are about.

Here, below every app that adds pages to the bench, so that each can describe its own.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accounts.models import User
from projects.models import Project


@dataclass
class Data:
    administrator: User
    coordinator: User
    member: User
    project: Project
    extra: dict[str, Any]


@dataclass
class Page:
    name: str
    url: Callable[[Data], str]
    # None: the page is asked for without signing in, as the public would.
    as_person: Callable[[Data], User | None]
    target_ms: float = 250.0
