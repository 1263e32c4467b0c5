"""What every form in Coproduce shares: error messages that say what to do."""

import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class SpecificErrorsMixin:
    """Replace Django's "This field is required." with a message naming the field.

    A form lists its own wording in `required_messages`; any other required field gets a
    message built from its label, so no field is left with the generic text.
    """

    required_messages: dict[str, Any] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.required_messages:
                message = self.required_messages[name]
            elif isinstance(field.widget, forms.RadioSelect | forms.Select):
                message = _("Choose an answer for “%(label)s”") % {"label": field.label}
            else:
                message = _("Fill in “%(label)s”") % {"label": field.label}
            field.error_messages["required"] = message


DATE_PARTS = ("day", "month", "year")


class GovukDateInput(forms.MultiWidget):
    """Three boxes for day, month and year, as GOV.UK's date input pattern asks.

    `templates/includes/field.html` draws it (through `includes/date_input.html`) with
    labels, error highlighting of the boxes that need fixing, and numeric keyboards on phones.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        super().__init__({part: forms.TextInput(attrs=numeric) for part in DATE_PARTS}, attrs=attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]


# Each message names the field, so the error summary makes sense on its own.
DATE_ERRORS: dict[str, "StrOrPromise"] = {
    "missing_day": _("%(label)s must include a day"),
    "missing_month": _("%(label)s must include a month"),
    "missing_year": _("%(label)s must include a year"),
    "missing_day_month": _("%(label)s must include a day and month"),
    "missing_day_year": _("%(label)s must include a day and year"),
    "missing_month_year": _("%(label)s must include a month and year"),
    "invalid": _("%(label)s must be a real date"),
    "year_digits": _("%(label)s must have a year with 4 numbers, like 2027"),
    "not_future": _("%(label)s must be in the future"),
}


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with an error that says which part is wrong.

    Errors carry the parts to highlight in `params["parts"]`. With `future=True` the date
    must come after today.
    """

    widget = GovukDateInput
    default_error_messages = DATE_ERRORS

    def __init__(self, *, future: bool = False, **kwargs: Any) -> None:
        self.future = future
        super().__init__(**kwargs)

    def error(self, code: str, parts: Sequence[str] = DATE_PARTS) -> forms.ValidationError:
        return forms.ValidationError(
            self.error_messages[code], code=code, params={"label": self.label, "parts": parts}
        )

    def to_python(self, value: Any) -> datetime.date | None:
        if isinstance(value, datetime.date):
            return value
        if not value:
            return None
        typed = dict(zip(DATE_PARTS, (str(part or "").strip() for part in value), strict=True))
        if not any(typed.values()):
            return None
        if missing := [part for part in DATE_PARTS if not typed[part]]:
            raise self.error("missing_" + "_".join(missing), missing)
        if not_numbers := [part for part in DATE_PARTS if not typed[part].isdigit()]:
            raise self.error("invalid", not_numbers)
        if len(typed["year"]) != 4:
            raise self.error("year_digits", ["year"])
        try:
            return datetime.date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
        except ValueError:
            raise self.error("invalid") from None

    def validate(self, value: Any) -> None:
        super().validate(value)
        if self.future and value is not None and value <= timezone.localdate():
            raise self.error("not_future")


TIME_PATTERN = re.compile(
    r"^\s*(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<half>am|pm|a\.m\.|p\.m\.)?\s*$",
    re.IGNORECASE,
)


def parse_time(text: str) -> datetime.time | None:
    """14:00, 14.30, 2pm and 2:30pm all work; anything else is None."""
    match = TIME_PATTERN.match(text)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    half = (match["half"] or "").replace(".", "").lower()
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match["minute"] is None:
        # "14" on its own is too easy to mistype: ask for minutes too.
        return None
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class TimeTextField(forms.Field):
    """A time typed as text, like 14:00 or 2pm, so it works the same in every browser."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"class": "govuk-input govuk-input--width-5", "spellcheck": "false", "maxlength": "10"}
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, datetime.time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        parsed = parse_time(text)
        if parsed is None:
            raise forms.ValidationError(
                _("Enter %(label)s as hours and minutes, like 14:00 or 2:30pm")
                % {"label": str(self.label).lower()},
                code="invalid",
            )
        return parsed

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, datetime.time):
            return value.strftime("%H:%M")
        return value
