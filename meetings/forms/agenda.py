"""Forms for a meeting's agenda."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.concurrency import VersionedModelForm
from coproduce.lib.forms import SpecificErrorsMixin
from meetings.models import AgendaItem, ItemPurpose, Meeting
from meetings.services.agenda import agenda_overrun
from projects.models import Membership


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return str(obj.full_name)


class AgendaItemForm(SpecificErrorsMixin, VersionedModelForm[AgendaItem]):
    required_messages = {
        "title": _("Enter a title for the item"),
        "purpose": _("Choose what the item is for"),
        "minutes": _("Enter how long the item takes, in minutes"),
    }

    purpose = forms.ChoiceField(
        label=_("What the item is for"), choices=ItemPurpose.choices, widget=forms.RadioSelect
    )
    minutes = forms.IntegerField(
        label=_("How long, in minutes"),
        min_value=1,
        max_value=600,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": _("Enter how long the item takes as a number of minutes, like 20"),
            "min_value": _("An item must take at least 1 minute"),
            "max_value": _("An item can take at most 600 minutes (10 hours)"),
        },
    )
    presenter = PersonChoiceField(
        label=_("Who presents it (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody in particular"),
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "purpose", "minutes", "presenter", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        labels = {"title": _("Title")}
        help_texts = {"description": _("What people should know or read before the meeting.")}

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        # Anyone in the group can present, not only its leaders.
        self.fields["presenter"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            pk__in=Membership.objects.current()
            .filter(project_id=meeting.project_id)
            .values("user_id")
        ).order_by("full_name")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        minutes = cleaned.get("minutes")
        if minutes is not None:
            others = AgendaItem.objects.filter(meeting=self.meeting)
            if self.instance.pk is not None:
                others = others.exclude(pk=self.instance.pk)
            total = sum(others.values_list("minutes", flat=True)) + minutes
            if problem := agenda_overrun(self.meeting, total):
                self.add_error("minutes", problem)
        return cleaned
