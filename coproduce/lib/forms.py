"""What every form in Coproduce shares: error messages that say what to do."""

import datetime
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.forms.utils import pretty_name
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


# A label starting with one of these reads as a question or a phrase ("What it is for",
# "We did"), which a message quotes rather than puts "the" before.
QUOTED_STARTS = frozenset(
    re.findall(
        r"\w+",
        "how what who when where why which did do does is are can could will would should"
        " anything if i we you more",
    )
)
OWN_ARTICLE = frozenset(["the", "their", "your", "my", "a", "an", "this", "these", "any"])

# Errors raised by a field's validators rather than the field itself: given only where the
# field has that limit, so a validator the form adds keeps its own wording.
LIMITS = {
    "max_length": "max_length",
    "min_length": "min_length",
    "max_value": "max_value",
    "min_value": "min_value",
    "step_size": "step_size",
    "max_digits": "max_digits",
    "max_decimal_places": "decimal_places",
    "max_whole_digits": "max_digits",
}


def stock_messages(field: forms.Field) -> set[str]:
    """Django's own wording for this kind of field, which never says which field it is."""
    stock: set[str] = set()
    for cls in type(field).__mro__:
        if cls.__module__.startswith("django."):
            messages = vars(cls).get("default_error_messages", {})
            stock.update(str(message) for message in messages.values())
    return stock


def plain_label(label: object) -> str:
    """A label without its "(optional)" or other note in brackets, for use in a sentence."""
    return re.sub(r"\s*\([^)]*\)\s*$", "", str(label)).strip()


def field_names(label: str) -> tuple[str, str]:
    """How a sentence speaks of a field: ("the title", "The title"); for a question
    ("an answer to “How will you take part?”", "The answer to “How will you take part?”");
    for a phrase ("“What it is for”", "“What it is for”")."""
    text = plain_label(label)
    first = text.split(" ", 1)[0]
    if text.endswith("?"):
        quoted = {"question": text}
        return (
            str(_("an answer to “%(question)s”") % quoted),
            str(_("The answer to “%(question)s”") % quoted),
        )
    if first.lower() in QUOTED_STARTS or "," in text:
        return f"“{text}”", f"“{text}”"
    # Keep capitals that belong to the word (BSL, NHS); lower the one that starts a label.
    if not (len(first) > 1 and first[1].isupper()):
        text = text[:1].lower() + text[1:]
    if first.lower() in OWN_ARTICLE:
        return text, text[:1].upper() + text[1:]
    return str(_("the %(label)s") % {"label": text}), str(_("The %(label)s") % {"label": text})


# What a person typed that a field cannot read, and how to write it instead: the first
# kind that fits the field wins, so a kind comes before the kinds it is built on.
INVALID: dict[type[forms.Field], "StrOrPromise"] = {
    forms.FloatField: _("Enter %(what)s as a number, like 12.50"),
    forms.DecimalField: _("Enter %(what)s as a number, like 12.50"),
    forms.IntegerField: _("Enter %(what)s as a whole number, like 12"),
    forms.DateTimeField: _("Enter %(what)s as a date and time, like 27/3/2027 14:00"),
    forms.DateField: _("Enter %(what)s as a real date, like 27/3/2027"),
    forms.TimeField: _("Enter %(what)s as a time, like 14:00"),
    forms.EmailField: _("Enter %(what)s in the correct format, like name@example.com"),
    forms.URLField: _("Enter %(what)s as a web address, like https://www.example.org"),
    forms.FileField: _("Select a file for %(what)s"),
    forms.MultipleChoiceField: _("Select %(what)s from the options given"),
    forms.MultiValueField: _("Select %(what)s from the options given"),
}


def default_messages(field: forms.Field, label: str) -> dict[str, str]:
    """A message for each error this field can give, each naming the field and saying what to do.

    Labels never hold "%": the messages Django fills in with its limits go through "%".
    """
    what, subject = field_names(label)
    choosing = isinstance(field, forms.ChoiceField | forms.FileField) or isinstance(
        field.widget, forms.RadioSelect | forms.Select | forms.CheckboxSelectMultiple
    )
    messages: dict[str, StrOrPromise] = {
        "required": _("Select %(what)s") if choosing else _("Enter %(what)s"),
        "invalid_choice": _("Select %(what)s from the options given"),
        "invalid_list": _("Select %(what)s from the options given"),
        "invalid_pk_value": _("Select %(what)s from the options given"),
        "min_length": _("%(subject)s must be %(limit)s characters or more"),
        "max_length": _("%(subject)s must be %(limit)s characters or fewer"),
        "max_value": _("%(subject)s must be %%(limit_value)s or less"),
        "min_value": _("%(subject)s must be %%(limit_value)s or more"),
        "step_size": _("%(subject)s must be a multiple of %%(limit_value)s"),
        "max_digits": _("%(subject)s must have %%(max)s digits or fewer"),
        "max_decimal_places": _("%(subject)s must have %%(max)s digits or fewer after the point"),
        "max_whole_digits": _("%(subject)s must have %%(max)s digits or fewer before the point"),
        "incomplete": _("Enter all parts of %(what)s"),
        "missing": _("Select a file for %(what)s"),
        "empty": _("%(subject)s is an empty file: select a file with something in it"),
        "invalid_image": _("%(subject)s must be a picture, like a JPG or PNG file"),
        "contradiction": _("Either select a new file for %(what)s or untick remove, not both"),
        "invalid": _("Enter %(what)s in the correct format"),
    }
    if isinstance(field, forms.BooleanField):
        messages["required"] = _("Tick “%(label)s” to go on")
    kind = next((kind for kind in INVALID if isinstance(field, kind)), None)
    if kind is not None:
        messages["invalid"] = INVALID[kind]
    params = {"what": what, "subject": subject, "label": label}
    # Written as people read numbers: 2,000 rather than 2000.
    longest, shortest = getattr(field, "max_length", None), getattr(field, "min_length", None)
    return {
        code: str(message)
        % {**params, "limit": f"{(shortest if code == 'min_length' else longest) or 0:,}"}
        for code, message in messages.items()
    }


class SpecificErrorsMixin:
    """Give every field messages that name it, in place of Django's generic ones.

    A form lists its own wording for a missing answer in `required_messages`; a message set
    on the field, in Meta or on the model stays; every other error of every field gets a
    message built from its label, so no field is left with "This field is required.",
    "Enter a whole number." or "Ensure this value has at most 100 characters".
    """

    required_messages: dict[str, Any] = {}
    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        # Only a form being checked needs its messages: built for every form a page merely
        # shows, they cost the decision log (with its filter form) a twentieth of its time.
        # Here, too, fields a form adds after it is built get theirs. An unbound form (which
        # every page asks for its errors, to title itself) has none to name.
        if self.is_bound:  # type: ignore[attr-defined]
            self.name_fields_in_errors()
        super().full_clean()  # type: ignore[misc]

    def name_fields_in_errors(self) -> None:
        for name, field in self.fields.items():
            label = str(field.label or pretty_name(name))
            stock = stock_messages(field)
            for code, message in default_messages(field, label).items():
                if code in field.error_messages:
                    if str(field.error_messages[code]) in stock:
                        field.error_messages[code] = message
                elif (code in LIMITS and getattr(field, LIMITS[code], None) is not None) or (
                    code == "invalid" and isinstance(field, forms.EmailField)
                ):
                    # Django's validators bring these; the field does not list them.
                    field.error_messages[code] = message
            if name in self.required_messages:
                field.error_messages["required"] = self.required_messages[name]


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
            self.error_messages[code],
            code=code,
            params={"label": plain_label(self.label), "parts": parts},
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
