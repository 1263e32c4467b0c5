"""The front door: a member of the public finds an open call from the home page and applies."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.fixtures import Settings

from accounts.models import Organisation
from conftest import Cast, client_for
from coproduce.templatetags.contact import tel_href
from recruitment.models import Call, CallStatus
from recruitment.tests.test_recruitment import apply_url, open_call

JOIN = reverse("join")


def make_calls(cast: Cast, count: int) -> None:
    today = timezone.localdate()
    Call.objects.bulk_create(
        Call(
            project=cast.employment if n % 2 else cast.website,
            title=f"Call {n:04}",
            description="A group that meets monthly.",
            closes_on=today + timedelta(days=1 + n),
            places=3,
        )
        for n in range(count)
    )


def test_it_links_the_join_page_from_the_signed_out_home_page(cast: Cast) -> None:
    home = client_for(None).get(reverse("home"))
    assert f'href="{JOIN}"' in home.text


def test_it_lists_open_calls_closing_soonest_first_and_links_each_form(cast: Cast) -> None:
    later = open_call(cast, title="Join the website group")
    sooner = open_call(cast, title="Join the employment group")
    Call.objects.filter(pk=sooner.pk).update(
        project=cast.employment, closes_on=timezone.localdate()
    )

    page = client_for(None).get(JOIN)

    assert page.status_code == 200
    text = page.text
    assert text.index("Join the employment group") < text.index("Join the website group")
    assert f'href="{apply_url(later)}"' in text
    assert cast.employment.name in text


def test_it_leaves_out_calls_closed_by_hand_or_past_their_date(cast: Cast) -> None:
    open_call(cast, title="Closed by hand", status=CallStatus.CLOSED)
    past = open_call(cast, title="Past its date")
    Call.objects.filter(pk=past.pk).update(closes_on=timezone.localdate() - timedelta(days=1))

    text = client_for(None).get(JOIN).text

    assert "Closed by hand" not in text
    assert "Past its date" not in text
    assert "No group is looking for members right now" in text


def test_it_pages_the_calls_with_the_same_queries_for_few_and_many(
    cast: Cast, settings: Settings
) -> None:
    settings.PAGE_SIZE = 10
    make_calls(cast, 3)
    with CaptureQueriesContext(connection) as few:
        assert client_for(None).get(JOIN).status_code == 200
    make_calls(cast, 60)
    with CaptureQueriesContext(connection) as many:
        page = client_for(None).get(JOIN, {"page": 2})
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(page.context["page"].object_list) == 10
    assert "Pages of groups looking for members" in page.text


def test_it_writes_phone_numbers_as_links_that_phones_can_dial(cast: Cast) -> None:
    Organisation.objects.update(contact_phone="+44 (0)161 496 0000")

    for url in (reverse("home"), JOIN, reverse("accessibility")):
        assert 'href="tel:+441614960000"' in client_for(None).get(url).text, url


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("0161 496 0000", "tel:01614960000"),
        ("+44 (0)20 7946 0000", "tel:+442079460000"),
        ("020-7946-0000", "tel:02079460000"),
    ],
)
def test_it_turns_a_phone_number_into_a_tel_address(written: str, href: str) -> None:
    assert tel_href(written) == href


def test_it_marks_the_application_form_for_autocomplete_and_links_the_privacy_notice(
    cast: Cast,
) -> None:
    call = open_call(cast)
    text = client_for(None).get(apply_url(call)).text

    assert 'autocomplete="name"' in text
    assert 'type="email"' in text
    assert 'autocomplete="email"' in text
    assert 'type="tel"' in text
    assert 'autocomplete="tel"' in text
    assert f'href="{reverse("privacy:privacy_notice")}"' in text


def test_it_does_not_offer_staff_their_own_details_when_they_enter_an_application(
    cast: Cast,
) -> None:
    call = open_call(cast)
    url = reverse(
        "recruitment:application_enter", kwargs={"pk": cast.website.pk, "call_pk": call.pk}
    )
    text = client_for(cast.coordinator).get(url).text

    assert 'autocomplete="name"' not in text
    assert 'autocomplete="email"' not in text
