"""Forms for planning meetings: the meeting itself, cancelling it, venues and date options."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from coproduce.lib.concurrency import VersionedModelForm
from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin, TimeTextField
from meetings.models import Availability, DateOption, Meeting, MeetingFormat, Venue
from meetings.services.planning import booking_clash, clash_message

# A phone number as people write it: digits with spaces, dashes, dots or brackets, and an
# optional + for the country code. UK numbers have 10 or 11 digits, international ones up to 15.
PHONE_PATTERN = re.compile(r"^\+?[\d\s().-]+$")


def is_phone_number(text: str) -> bool:
    digits = sum(character.isdigit() for character in text)
    return bool(PHONE_PATTERN.match(text)) and 7 <= digits <= 15


def local_parts(moment: datetime.datetime | None) -> tuple[datetime.date | None, str, str]:
    if moment is None:
        return None, "", ""
    local = timezone.localtime(moment)
    return local.date(), local.strftime("%H:%M"), ""


def combine(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, time))


class MeetingForm(SpecificErrorsMixin, VersionedModelForm[Meeting]):
    """Plan or change a meeting. The date may stay empty while a date poll finds one."""

    required_messages = {
        "title": gettext_lazy("Enter the meeting's title"),
        "format": gettext_lazy("Choose how people will meet"),
    }

    day = GovukDateField(
        label=gettext_lazy("Date (optional)"),
        required=False,
        help_text=gettext_lazy(
            "For example, 27 3 2027. Leave it empty to ask the group which dates suit them."
        ),
    )
    start_time = TimeTextField(
        label=gettext_lazy("Start time"),
        required=False,
        help_text=gettext_lazy("For example, 14:00 or 2pm"),
    )
    end_time = TimeTextField(
        label=gettext_lazy("End time"),
        required=False,
        help_text=gettext_lazy("For example, 16:00 or 4pm"),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "purpose",
            "format",
            "venue",
            "video_link",
            "phone_dial_in",
            "video_captions",
            "agenda_shows_ground_rules",
        ]
        widgets = {
            "format": forms.RadioSelect,
            "phone_dial_in": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "purpose": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"venue": gettext_lazy("Venue (for meetings in person or hybrid)")}
        help_texts = {
            "video_link": gettext_lazy(
                "For online and hybrid meetings. Only people invited, and the group's leaders, "
                "see it."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting: Meeting = self.instance
        venue_field = self.fields["venue"]
        assert isinstance(venue_field, forms.ModelChoiceField)
        # A retired venue stays possible for the meeting already booked there.
        venues = Q(is_active=True)
        if meeting.venue_id is not None:
            venues |= Q(pk=meeting.venue_id)
        venue_field.queryset = Venue.objects.filter(venues)
        venue_field.empty_label = _("Choose a venue")
        venue_field.required = False
        self.fields["video_link"].error_messages["invalid"] = _(
            "Enter the video call link as a full web address, starting with https://"
        )
        self.fields["phone_dial_in"].error_messages["max_length"] = _(
            "The phone dial-in number must be 40 characters or fewer"
        )
        if meeting.pk is not None:
            day, start, _end = local_parts(meeting.starts_at)
            self.fields["day"].initial = day
            self.fields["start_time"].initial = start
            self.fields["end_time"].initial = local_parts(meeting.ends_at)[1]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        meeting: Meeting = self.instance
        starts_at, ends_at = self._clean_when(cleaned)
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        self._clean_format(cleaned)
        venue = cleaned.get("venue")
        if (
            venue is not None
            and starts_at is not None
            and ends_at is not None
            and not self.errors
            and (
                other := booking_clash(
                    venue=venue, starts_at=starts_at, ends_at=ends_at, meeting=meeting
                )
            )
        ):
            self.add_error("venue", clash_message(venue, other))
        if not self.errors:
            # Not form fields, so the form would not copy them onto the meeting itself.
            meeting.starts_at, meeting.ends_at = starts_at, ends_at
        return cleaned

    def _clean_when(
        self, cleaned: dict[str, Any]
    ) -> tuple[datetime.datetime | None, datetime.datetime | None]:
        """The start and end, when the day and both times are given and make sense."""
        meeting: Meeting = self.instance
        day = cleaned.get("day")
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if {"day", "start_time", "end_time"} & set(self.errors):
            return None, None
        if day is None:
            if start or end:
                self.add_error("day", _("Enter the date, or leave the times empty as well"))
            elif meeting.pk is not None and meeting.needs_a_date:
                self.add_error(
                    "day", _("A meeting that is ready, or was held, needs a date. Enter one.")
                )
            return None, None
        if start is None:
            self.add_error("start_time", _("Enter the time the meeting starts"))
        if end is None:
            self.add_error("end_time", _("Enter the time the meeting ends"))
        if start is None or end is None:
            return None, None
        starts_at, ends_at = combine(day, start), combine(day, end)
        if ends_at <= starts_at:
            self.add_error("end_time", _("The meeting must end after it starts"))
        if starts_at != meeting.starts_at and starts_at < timezone.now():
            self.add_error("day", _("The date must be in the future"))
        return starts_at, ends_at

    def _clean_format(self, cleaned: dict[str, Any]) -> None:
        """A venue when people meet in person, a link when they meet online, and neither
        kept when it is not needed."""
        meeting_format = cleaned.get("format")
        if meeting_format in (MeetingFormat.IN_PERSON, MeetingFormat.HYBRID):
            if cleaned.get("venue") is None and "venue" not in self.errors:
                self.add_error("venue", _("Choose a venue, because people will meet in person"))
        elif meeting_format == MeetingFormat.ONLINE:
            cleaned["venue"] = None
        if meeting_format in (MeetingFormat.ONLINE, MeetingFormat.HYBRID):
            if not cleaned.get("video_link") and "video_link" not in self.errors:
                self.add_error(
                    "video_link", _("Enter the video call link, because people will meet online")
                )
        elif meeting_format == MeetingFormat.IN_PERSON:
            cleaned["video_link"] = ""
            cleaned["video_captions"] = False
            if cleaned.get("phone_dial_in") and "phone_dial_in" not in self.errors:
                self.add_error(
                    "phone_dial_in",
                    _(
                        "Remove the phone dial-in number, or choose a format with a video call: "
                        "people can only join by phone when the meeting is online or hybrid"
                    ),
                )

    def clean_phone_dial_in(self) -> str:
        number: str = " ".join(self.cleaned_data.get("phone_dial_in", "").split())
        if number and not is_phone_number(number):
            raise forms.ValidationError(
                _(
                    "Enter the phone dial-in number as digits, like 020 7946 0000 or "
                    "+44 20 7946 0000"
                )
            )
        return number


class CancelForm(SpecificErrorsMixin, forms.Form):
    required_messages = {"reason": gettext_lazy("Say why the meeting is cancelled")}

    reason = forms.CharField(
        label=gettext_lazy("Why is the meeting cancelled?"),
        help_text=gettext_lazy("The group sees this on the meeting page."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# ---------------------------------------------------------------------------------------------
# Venues


def feature_choices() -> list[tuple[str, str]]:
    choices = []
    for name in Venue.FEATURES:
        field = Venue._meta.get_field(name)
        choices.append((name, str(getattr(field, "verbose_name", name))))
    return choices


class VenueForm(SpecificErrorsMixin, VersionedModelForm[Venue]):
    required_messages = {
        "name": gettext_lazy("Enter the venue's name"),
        "address": gettext_lazy("Enter the venue's address"),
        "capacity": gettext_lazy("Enter how many people fit in the room"),
    }

    features = forms.MultipleChoiceField(
        label=gettext_lazy("What the venue offers"),
        help_text=gettext_lazy("Tick everything that is true. People check this before coming."),
        choices=feature_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Venue
        fields = ["name", "address", "directions", "capacity", "notes"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "directions": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        venue: Venue = self.instance
        self.fields["features"].initial = [name for name in Venue.FEATURES if getattr(venue, name)]
        self.fields["capacity"].error_messages.update(
            {
                "invalid": _("Enter how many people fit as a number, like 20"),
                "min_value": _("At least 1 person must fit in the room"),
            }
        )

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if Venue.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("There is already a venue called “%(name)s”. Use a different name.")
                % {"name": name}
            )
        return name

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = set(cleaned.get("features") or [])
        for name in Venue.FEATURES:
            setattr(self.instance, name, name in chosen)
        return cleaned


class VenueSearchForm(SpecificErrorsMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("Search by name"), required=False, max_length=100)


# ---------------------------------------------------------------------------------------------
# Finding a date


class DateOptionForm(SpecificErrorsMixin, forms.Form):
    required_messages = {
        "day": gettext_lazy("Enter the date"),
        "start_time": gettext_lazy("Enter the time the meeting would start"),
        "end_time": gettext_lazy("Enter the time the meeting would end"),
    }

    day = GovukDateField(
        label=gettext_lazy("Date"), help_text=gettext_lazy("For example, 27 3 2027")
    )
    start_time = TimeTextField(
        label=gettext_lazy("Start time"), help_text=gettext_lazy("For example, 14:00 or 2pm")
    )
    end_time = TimeTextField(
        label=gettext_lazy("End time"), help_text=gettext_lazy("For example, 16:00 or 4pm")
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        self.meeting = meeting
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        day, start, end = cleaned.get("day"), cleaned.get("start_time"), cleaned.get("end_time")
        if day is None or start is None or end is None:
            return cleaned
        starts_at, ends_at = combine(day, start), combine(day, end)
        if ends_at <= starts_at:
            self.add_error("end_time", _("The end time must be after the start time"))
        elif starts_at <= timezone.now():
            self.add_error("day", _("The date must be in the future"))
        elif DateOption.objects.filter(meeting=self.meeting, starts_at=starts_at).exists():
            self.add_error("day", _("That date and time is already offered"))
        cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
        return cleaned


class DateAnswersForm(SpecificErrorsMixin, forms.Form):
    """One set of radios per date option still to come: yes, if need be, or no."""

    def __init__(
        self,
        *args: Any,
        options: list[DateOption],
        current: dict[int, str],
        labels: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.ChoiceField(
                label=labels[option.pk],
                choices=Availability.choices,
                widget=forms.RadioSelect,
                required=False,
                initial=current.get(option.pk),
            )
        self.options = options

    def answers(self) -> dict[int, str]:
        return {
            option.pk: self.cleaned_data[f"option_{option.pk}"]
            for option in self.options
            if self.cleaned_data.get(f"option_{option.pk}")
        }
