"""The shared day, month and year date input, as forms across Coproduce use it."""

import datetime

import pytest
from django import forms
from django.template.loader import render_to_string
from django.utils import timezone

from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin


class MeetingForm(SpecificErrorsMixin, forms.Form):
    required_messages = {"held_on": "Enter the date of the meeting"}
    held_on = GovukDateField(label="Date of the meeting", help_text="For example, 27 3 2027")


class FutureForm(forms.Form):
    starts_on = GovukDateField(label="Start date", future=True)


def parts(day: str, month: str, year: str, name: str = "held_on") -> dict[str, str]:
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


def test_it_reads_a_date_typed_in_three_boxes() -> None:
    form = MeetingForm(parts(" 7", "03 ", "2027"))
    assert form.is_valid()
    assert form.cleaned_data["held_on"] == datetime.date(2027, 3, 7)


@pytest.mark.parametrize(
    ("typed", "message", "highlighted"),
    [
        (("", "", ""), "Enter the date of the meeting", ["day", "month", "year"]),
        (("7", "", "2027"), "Date of the meeting must include a month", ["month"]),
        (("", "3", "2027"), "Date of the meeting must include a day", ["day"]),
        (("7", "3", ""), "Date of the meeting must include a year", ["year"]),
        (("7", "", ""), "Date of the meeting must include a month and year", ["month", "year"]),
        (("", "3", ""), "Date of the meeting must include a day and year", ["day", "year"]),
        (("7", "March", "2027"), "Date of the meeting must be a real date", ["month"]),
        (("30", "2", "2027"), "Date of the meeting must be a real date", ["day", "month", "year"]),
        (("7", "13", "2027"), "Date of the meeting must be a real date", ["day", "month", "year"]),
        (
            ("7", "3", "27"),
            "Date of the meeting must have a year with 4 numbers, like 2027",
            ["year"],
        ),
    ],
)
def test_it_says_what_is_wrong_and_highlights_only_the_boxes_to_fix(
    typed: tuple[str, str, str], message: str, highlighted: list[str]
) -> None:
    form = MeetingForm(parts(*typed))
    assert not form.is_valid()
    assert form.errors["held_on"] == [message]
    page = render_to_string("includes/fields.html", {"form": form})
    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert f'href="#id_held_on_{highlighted[0]}"' in summary
    for part in ("day", "month", "year"):
        box = page.split(f'id="id_held_on_{part}"', 1)[0].rsplit("<input", 1)[1]
        assert ("govuk-input--error" in box) == (part in highlighted), part
    # What was typed stays in the boxes.
    for part, value in zip(("day", "month", "year"), typed, strict=True):
        assert f'name="held_on_{part}" type="text" inputmode="numeric" value="{value}"' in page


def test_it_renders_as_a_gov_uk_date_input_inside_a_fieldset() -> None:
    form = MeetingForm(initial={"held_on": datetime.date(2027, 3, 7)})
    page = render_to_string("includes/fields.html", {"form": form})
    assert '<fieldset class="govuk-fieldset" role="group" aria-describedby="id_held_on-hint">' in (
        page
    )
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Date of the meeting'
        in (page)
    )
    assert 'value="7"' in page
    assert 'value="3"' in page
    assert 'value="2027"' in page
    assert page.count('inputmode="numeric"') == 3


def test_it_can_insist_on_a_date_in_the_future() -> None:
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert not FutureForm(
        parts(str(today.day), str(today.month), str(today.year), "starts_on")
    ).is_valid()
    form = FutureForm(
        parts(str(tomorrow.day), str(tomorrow.month), str(tomorrow.year), "starts_on")
    )
    assert form.is_valid()


def test_it_knows_when_the_date_has_not_changed() -> None:
    form = MeetingForm(parts("7", "3", "2027"), initial={"held_on": datetime.date(2027, 3, 7)})
    assert form.is_valid()
    assert form.changed_data == []
    form = MeetingForm(parts("8", "3", "2027"), initial={"held_on": datetime.date(2027, 3, 7)})
    assert form.is_valid()
    assert form.changed_data == ["held_on"]
