from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int | None = None) -> Page[Any]:
    """The page of `items` asked for by ?page=, falling back to the nearest real page."""
    paginator = Paginator(items, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
