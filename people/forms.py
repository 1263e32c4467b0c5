import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import SpecificErrorsMixin, TimeTextField
from people.models import (
    MESSAGE_TIME_EARLIEST,
    MESSAGE_TIME_LATEST,
    AccessNeed,
    AccessNeedType,
    ContactChannel,
    ContactFrequency,
    DetailKind,
    MemberType,
    NeedCategory,
    Profile,
)

ATTENDANCE_MODES = [
    ("attends_in_person", _("In person")),
    ("attends_by_video", _("By video call")),
    ("attends_by_phone", _("By phone")),
    ("written_only", _("In writing only, by email or post")),
]


class DetailsForm(SpecificErrorsMixin, forms.ModelForm[Profile]):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    member_types = forms.MultipleChoiceField(
        label=_("What do you bring to co-production? (optional)"),
        help_text=_("Choose all that apply."),
        choices=MemberType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    required_messages = {"full_name": _("Enter your full name")}

    class Meta:
        model = Profile
        fields = ["preferred_name", "pronouns", "bio", "phone", "postal_address"]
        widgets = {
            "bio": forms.Textarea(attrs={"rows": 4}),
            "postal_address": forms.Textarea(attrs={"rows": 4, "autocomplete": "street-address"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
            "preferred_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
        }

    field_order = ["full_name", "preferred_name", "pronouns", "member_types", "bio", "phone"]


class PreferencesForm(SpecificErrorsMixin, forms.ModelForm[Profile]):
    channels = forms.MultipleChoiceField(
        label=_("How should we contact you?"),
        help_text=_("Choose all that work for you."),
        choices=ContactChannel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    frequency = forms.ChoiceField(
        label=_("How often do you want to hear from us?"),
        choices=ContactFrequency.choices,
        widget=forms.RadioSelect,
    )
    message_time = TimeTextField(
        label=_("Best time for your daily or weekly message"),
        required=False,
        help_text=_(
            "If you chose one message a day or a week, it comes at this time (weekly ones on "
            "Mondays). Any time from 7am to 9pm, for example 9:00 or 6pm."
        ),
    )
    modes = forms.MultipleChoiceField(
        label=_("How can you take part in meetings?"),
        help_text=_("Choose all that work for you."),
        choices=ATTENDANCE_MODES,
        widget=forms.CheckboxSelectMultiple,
    )
    required_messages = {
        "channels": _("Choose at least one way for us to contact you"),
        "frequency": _("Choose how often you want to hear from us"),
        "modes": _("Choose at least one way you can take part"),
    }

    class Meta:
        model = Profile
        fields = ["channels", "frequency", "message_time", "best_times", "language"]

    field_order = ["channels", "frequency", "message_time", "best_times", "language", "modes"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["modes"].initial = [
            name for name, _label in ATTENDANCE_MODES if getattr(self.instance, name)
        ]

    def clean_message_time(self) -> datetime.time:
        chosen: datetime.time | None = self.cleaned_data["message_time"]
        if chosen is None:
            # Left empty: keep the time already chosen (9am until someone picks another).
            return self.instance.message_time
        if not MESSAGE_TIME_EARLIEST <= chosen <= MESSAGE_TIME_LATEST:
            raise forms.ValidationError(
                _("The best time for your daily or weekly message must be between 7am and 9pm")
            )
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        channels = set(cleaned.get("channels") or [])
        if ContactChannel.POST in channels and not self.instance.postal_address:
            self.add_error(
                "channels",
                _("To get post, first add your postal address on the “Your details” page."),
            )
        if channels & {ContactChannel.TEXT, ContactChannel.PHONE} and not self.instance.phone:
            self.add_error(
                "channels",
                _("To get texts or calls, first add your phone number on the “Your details” page."),
            )
        return cleaned

    def save(self, commit: bool = True) -> Profile:
        profile: Profile = super().save(commit=False)
        modes = set(self.cleaned_data["modes"])
        for name, _label in ATTENDANCE_MODES:
            setattr(profile, name, name in modes)
        if commit:
            profile.save()
        return profile


class AccessForm(SpecificErrorsMixin, forms.Form):
    """A checkbox for each catalogue entry, with a detail box where the entry needs one."""

    access_notes = forms.CharField(
        label=_("Anything else we should know? (optional)"),
        help_text=_("Anything that would help you take part that is not in the list."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    share_access_with_group = forms.BooleanField(
        label=_("Let the other members of my groups see my access requirements"),
        help_text=_(
            "Coordinators and facilitators of your groups can always see them, so they can "
            "arrange what you need."
        ),
        required=False,
    )

    def __init__(
        self, *args: Any, profile: Profile, current: list[AccessNeed], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        held = {need.need_type_id: need for need in current}
        # Entries switched off since a person chose them stay visible, so nothing is lost.
        self.need_types = list(
            AccessNeedType.objects.filter(is_active=True)
            | AccessNeedType.objects.filter(pk__in=held)
        )
        self.fields["access_notes"].initial = profile.access_notes
        self.fields["share_access_with_group"].initial = profile.share_access_with_group
        for need_type in self.need_types:
            label = (
                need_type.name
                if need_type.is_active
                else _("%(name)s (no longer offered)") % {"name": need_type.name}
            )
            self.fields[f"need_{need_type.code}"] = forms.BooleanField(
                label=label,
                required=False,
                initial=need_type.pk in held,
                help_text=need_type.hint,
            )
            if need_type.detail_kind:
                field_class = (
                    forms.IntegerField
                    if need_type.detail_kind == DetailKind.NUMBER
                    else forms.CharField
                )
                extra: dict[str, Any] = (
                    {"min_value": 1, "max_value": 999}
                    if need_type.detail_kind == DetailKind.NUMBER
                    else {"max_length": 200}
                )
                self.fields[f"detail_{need_type.code}"] = field_class(
                    label=need_type.detail_label,
                    required=False,
                    initial=held[need_type.pk].detail if need_type.pk in held else None,
                    **extra,
                )
                if need_type.detail_kind == DetailKind.NUMBER:
                    # GOV.UK advice: a text box that brings up the number keypad, because
                    # type="number" silently drops what is not a number.
                    self.fields[f"detail_{need_type.code}"].widget = forms.TextInput(
                        attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}
                    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        known = {f"need_{need_type.code}" for need_type in self.need_types}
        unknown = sorted(
            key[len("need_") :] for key in self.data if key.startswith("need_") and key not in known
        )
        if unknown:
            raise forms.ValidationError(
                _(
                    "These are not in our list of access requirements: %(codes)s. The list "
                    "may have changed since the page was opened: check your choices below."
                )
                % {"codes": ", ".join(unknown)}
            )
        for need_type in self.need_types:
            detail = f"detail_{need_type.code}"
            if (
                cleaned.get(f"need_{need_type.code}")
                and need_type.detail_kind
                and cleaned.get(detail) in (None, "")
                and detail not in self.errors
            ):
                self.add_error(detail, _("Answer “%(q)s”") % {"q": need_type.detail_label})
        return cleaned

    def grouped(self) -> list[tuple[str, list[tuple[Any, Any]]]]:
        """The checkboxes by category, each with its detail field (or None)."""
        groups = []
        for category, label in NeedCategory.choices:
            rows = [
                (
                    self[f"need_{need_type.code}"],
                    self[f"detail_{need_type.code}"] if need_type.detail_kind else None,
                )
                for need_type in self.need_types
                if need_type.category == category
            ]
            if rows:
                groups.append((str(label), rows))
        return groups

    def selections(self) -> dict[AccessNeedType, str]:
        """The chosen entries and their details, for saving."""
        chosen = {}
        for need_type in self.need_types:
            if self.cleaned_data.get(f"need_{need_type.code}"):
                detail = self.cleaned_data.get(f"detail_{need_type.code}")
                chosen[need_type] = "" if detail is None else str(detail)
        return chosen


class ViewingPurposeForm(SpecificErrorsMixin, forms.Form):
    """Why someone other than the person wants to see their access requirements."""

    PURPOSES = [
        ("meeting", _("To plan a meeting they are invited to")),
        ("support", _("To book support, such as an interpreter or a support worker")),
        ("papers", _("To prepare papers in the format they need")),
        ("other", _("Another reason")),
    ]
    purpose = forms.ChoiceField(
        label=_("Why do you need to see this person's access requirements?"),
        choices=PURPOSES,
        widget=forms.RadioSelect,
        help_text=_("Your reason is recorded, with your name and the time."),
    )
    other = forms.CharField(
        label=_("If another reason, what is it?"), required=False, max_length=200
    )
    required_messages = {"purpose": _("Choose why you need to see them")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("purpose") == "other" and not cleaned.get("other", "").strip():
            self.add_error("other", _("Say what the other reason is"))
        return cleaned

    def stated_purpose(self) -> str:
        if self.cleaned_data["purpose"] == "other":
            return str(self.cleaned_data["other"]).strip()
        return str(dict(self.PURPOSES)[self.cleaned_data["purpose"]])
