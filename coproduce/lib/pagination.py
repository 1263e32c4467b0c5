"""Pages of a long list, and the links between them (GOV.UK Frontend's pagination).

The links show a window, not every page: the first and last pages, the current one and
its neighbours, with an ellipsis for each gap, so a list of 400 pages has 7 links, not 400.
Several lists on one page each read their own query parameter (`param`), and every link
keeps the rest of the address, such as a search or another list's page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

# Pages either side of the current one that always get a link.
NEIGHBOURS = 1


@dataclass(frozen=True)
class PageLink:
    """One item of the list of page links: a numbered page, or an ellipsis (number None)."""

    number: int | None
    href: str = ""
    current: bool = False


def page_window(current: int, last: int, neighbours: int = NEIGHBOURS) -> list[int | None]:
    """The page numbers to link, in order, with None where an ellipsis stands for a gap.

    A gap of a single page shows that page instead: an ellipsis would take the same room.
    """
    wanted = {1, last, *range(current - neighbours, current + neighbours + 1)}
    numbers = sorted(n for n in wanted if 1 <= n <= last)
    window: list[int | None] = []
    previous = 0
    for number in numbers:
        if number - previous == 2:
            window.append(number - 1)
        elif number - previous > 2:
            window.append(None)
        window.append(number)
        previous = number
    return window


class LinkedPage(Page[Any]):
    """A Page that knows the address it was asked for, so it can link its neighbours."""

    query: QueryDict
    param: str = "page"
    anchor: str = ""

    def href(self, number: int) -> str:
        query = self.query.copy()
        query[self.param] = str(number)
        return f"?{query.urlencode()}" + (f"#{self.anchor}" if self.anchor else "")

    @property
    def links(self) -> list[PageLink]:
        return [
            PageLink(number, self.href(number), number == self.number)
            if number is not None
            else PageLink(None)
            for number in page_window(self.number, self.paginator.num_pages)
        ]

    @property
    def previous_href(self) -> str:
        return self.href(self.previous_page_number()) if self.has_previous() else ""

    @property
    def next_href(self) -> str:
        return self.href(self.next_page_number()) if self.has_next() else ""


@dataclass(frozen=True)
class Counted:
    """Rows and how many there are, counted already, for `paginate`: a page that can count
    several lists in one query (or on a simpler query) spares the paginator a COUNT each."""

    rows: Any
    number: int

    def count(self) -> int:
        return self.number

    def __len__(self) -> int:
        return self.number

    def __getitem__(self, index: Any) -> Any:
        return self.rows[index]


class LinkedPaginator(Paginator[Any]):
    def _get_page(self, *args: Any, **kwargs: Any) -> LinkedPage:
        return LinkedPage(*args, **kwargs)


def paginate(
    request: HttpRequest,
    items: Any,
    per_page: int | None = None,
    *,
    param: str = "page",
    anchor: str = "",
) -> LinkedPage:
    """The page of `items` asked for by ?<param>=, falling back to the nearest real page.

    `anchor` is the id of the list's heading, so a link to another page of a list lower
    down opens at that list.
    """
    paginator = LinkedPaginator(items, per_page or settings.PAGE_SIZE)
    page = paginator.get_page(request.GET.get(param))
    assert isinstance(page, LinkedPage)
    page.query = request.GET
    page.param = param
    page.anchor = anchor
    return page
