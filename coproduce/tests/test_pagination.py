"""Pages of long lists: a window of page links with ellipses, never one link per page."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from coproduce.lib.pagination import page_window, paginate


@pytest.mark.parametrize(
    ("current", "last", "window"),
    [
        (1, 1, [1]),
        (1, 3, [1, 2, 3]),
        (1, 10, [1, 2, None, 10]),
        (3, 10, [1, 2, 3, 4, None, 10]),
        (4, 10, [1, 2, 3, 4, 5, None, 10]),
        (5, 10, [1, None, 4, 5, 6, None, 10]),
        (5, 7, [1, None, 4, 5, 6, 7]),
        (10, 10, [1, None, 9, 10]),
        (180, 361, [1, None, 179, 180, 181, None, 361]),
    ],
)
def test_it_shows_the_first_last_and_nearby_pages(
    current: int, last: int, window: list[int | None]
) -> None:
    assert page_window(current, last) == window


def test_it_renders_a_window_with_ellipses_keeping_the_rest_of_the_address(
    settings: Settings,
) -> None:
    settings.PAGE_SIZE = 2
    request = RequestFactory().get("/", {"q": "crisis", "page": "50"})

    page = paginate(request, list(range(200)))
    html = render_to_string("includes/pagination.html", {"page": page})

    assert html.count('class="govuk-pagination__item') == 7
    assert html.count("govuk-pagination__item--ellipses") == 2
    assert 'href="?q=crisis&amp;page=51"' in html
    assert 'href="?q=crisis&amp;page=100"' in html
    assert 'aria-current="page">50<' in html
    assert 'rel="prev"' in html
    assert 'rel="next"' in html


def test_it_gives_each_list_its_own_parameter_and_anchor() -> None:
    request = RequestFactory().get("/", {"page": "2", "invitations": "3"})

    members = paginate(request, list(range(100)), 10)
    invitations = paginate(request, list(range(100)), 10, param="invitations", anchor="sent")

    assert (members.number, invitations.number) == (2, 3)
    assert invitations.next_href == "?page=2&invitations=4#sent"
    assert members.next_href == "?page=3&invitations=3"


def test_it_shows_no_links_for_a_single_page() -> None:
    page = paginate(RequestFactory().get("/"), [1, 2, 3])
    assert render_to_string("includes/pagination.html", {"page": page}).strip() == ""
