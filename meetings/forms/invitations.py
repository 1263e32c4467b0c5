"""Forms for who is invited, replies, and written input sent before the meeting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.forms import SpecificErrorsMixin
from meetings.models import AgendaItem, AttendanceWay, Meeting, Reply
from projects.models import Membership


def members_not_invited(meeting: Meeting) -> QuerySet[User]:
    """The group's current members, not paused, who are not on the meeting's list yet."""
    active = Membership.objects.active().filter(project_id=meeting.project_id)
    return (
        User.objects.filter(pk__in=active.values("user_id"))
        .exclude(meeting_invitations__meeting=meeting)
        .order_by("full_name")
    )


class InviteesForm(SpecificErrorsMixin, forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Who to invite"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person to invite")},
    )

    def __init__(
        self, *args: Any, meeting: Meeting, select_all: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = members_not_invited(meeting)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
        # Nobody is ticked to begin with, so nobody is invited by mistake: "Select everyone"
        # ticks them all when the whole group should come.
        if select_all:
            self.initial["people"] = [user.pk for user in field.queryset]  # type: ignore[attr-defined]


REPLY_CHOICES = [
    (Reply.COMING.value, _("Yes, I will take part")),
    (Reply.APOLOGIES.value, _("No, I cannot come: I send my apologies")),
]


class ReplyForm(SpecificErrorsMixin, forms.Form):
    required_messages = {"reply": _("Say whether you will take part")}

    reply = forms.ChoiceField(
        label=_("Will you take part?"), choices=REPLY_CHOICES, widget=forms.RadioSelect
    )
    way = forms.ChoiceField(
        label=_("How will you take part?"),
        choices=AttendanceWay.choices,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("If you cannot come, you can still send your thoughts in writing."),
    )

    def __init__(self, *args: Any, ways: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["way"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in AttendanceWay.choices if value in ways
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("reply") == Reply.COMING and not cleaned.get("way"):
            self.add_error("way", _("Choose how you will take part"))
        return cleaned


class AdvanceInputForm(SpecificErrorsMixin, forms.Form):
    """One box per agenda item (breaks aside) for thoughts sent before the meeting."""

    def __init__(
        self, *args: Any, items: list[AgendaItem], initial_texts: dict[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=_("%(n)s. %(title)s") % {"n": number, "title": item.title},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                initial=initial_texts.get(item.pk, ""),
                help_text=item.get_purpose_display(),
                error_messages={
                    "max_length": _(
                        "Your thoughts on “%(title)s” must be 5,000 characters or fewer"
                    )
                    % {"title": item.title}
                },
            )

    def texts(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}", "") for item in self.items}
