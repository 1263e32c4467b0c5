"""What pages do once instead of per row: choice labels, translations, reversed addresses,
and the navigation rendered by a tag rather than an include per link."""

from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from coproduce.lib.choices import choice_labels
from meetings.models import AgendaItem, ItemPurpose
from meetings.services.agenda import AgendaRow
from projects.models import Membership, ProjectRole


def test_it_gives_the_same_choice_labels_as_django_from_one_map_per_language() -> None:
    item = AgendaItem(purpose=ItemPurpose.DECISION)
    field = AgendaItem._meta.get_field("purpose")

    assert item.get_purpose_display() == str(ItemPurpose.DECISION.label)
    assert choice_labels(field, translation.get_language()) is choice_labels(
        field, translation.get_language()
    )
    assert Membership(role=ProjectRole.CHAIR).get_role_display() == "Chair"
    # A value outside the choices shows as itself, as Django's own method does.
    assert AgendaItem(purpose="retired").get_purpose_display() == "retired"
    with translation.override("fr"):
        assert item.get_purpose_display() == str(ItemPurpose.DECISION.label)


def test_it_remembers_translations_per_language() -> None:
    translation.activate("en-gb")
    assert translation.gettext("Sign out") == "Sign out"
    active = trans_real.translation("en-gb")
    assert active.__dict__["_remembered"][("Sign out",)] == "Sign out"
    assert translation.ngettext("%d minute", "%d minutes", 2) == "%d minutes"
    assert translation.ngettext("%d minute", "%d minutes", 1) == "%d minute"
    assert active.__dict__["_remembered_plurals"][("%d minute", "%d minutes", 2)] == "%d minutes"
    with translation.override("fr"):
        assert translation.gettext("Yes") == "Oui"  # Django's own French catalogue
        many = "Ensure that there are no more than %(max)s digits in total."
        one = "Ensure that there are no more than %(max)s digit in total."
        assert translation.ngettext(one, many, 2).startswith("Assurez-vous")


def test_it_remembers_reversed_addresses_with_their_arguments() -> None:
    first = reverse("meetings:agenda", args=[7])
    assert first == reverse("meetings:agenda", args=[7])
    assert reverse("meetings:agenda", args=[8]) != first
    assert reverse("meetings:agenda", kwargs={"pk": 7}) == first


def test_it_marks_the_page_shown_in_the_navigation_without_an_include() -> None:
    page = Template(
        '{% load govuk %}{% nav_item href "Agenda" %}{% nav_item home "Home" exact=True %}'
    )
    html = page.render(
        Context(
            {
                "request": RequestFactory().get("/meetings/7/agenda/"),
                "href": "/meetings/7/",
                "home": "/",
            }
        )
    )
    assert 'href="/meetings/7/" aria-current="page"><strong' in html
    assert '<a class="govuk-service-navigation__link" href="/">Home</a>' in html
    # Without a request (an error page) nothing is marked.
    assert "aria-current" not in page.render(Context({"href": "/meetings/7/", "home": "/"}))


def test_it_says_how_long_an_agenda_item_takes_as_the_template_did() -> None:
    def words(minutes: int) -> str:
        return AgendaRow(item=AgendaItem(minutes=minutes), number=1, starts_at=None).minutes_words

    assert words(1) == "1 minute"
    assert words(25) == "25 minutes"
