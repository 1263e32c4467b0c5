"""Forms for a meeting's record: the register, minutes, decisions, actions and contributions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.concurrency import VersionedModelForm
from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin
from meetings.forms.agenda import PersonChoiceField
from meetings.forms.invitations import members_not_invited
from meetings.models import (
    PRESENT_WAYS,
    ActionPoint,
    AgendaItem,
    AttendanceWay,
    ContributionWay,
    Decision,
    Invitee,
    ItemPurpose,
    Meeting,
    Reply,
)
from meetings.services.record import Counts, decode_counts, encode_counts, register_state

# How the register records each person: a way of taking part, or not at all.
NO = "no"
REGISTER_CHOICES = [
    (AttendanceWay.IN_PERSON.value, _("Came, in the room")),
    (AttendanceWay.VIDEO.value, _("Came, by video call")),
    (AttendanceWay.PHONE.value, _("Came, by phone")),
    (AttendanceWay.WRITTEN.value, _("Did not come, took part in writing")),
    (NO, _("Did not take part")),
]


def _reply_words(invitee: Invitee) -> str:
    if invitee.reply == Reply.COMING:
        return str(_("Said they would come: %(way)s")) % {"way": invitee.get_way_display()}
    if invitee.reply == Reply.APOLOGIES:
        return str(_("Sent apologies"))
    if invitee.invited_at is None:
        return str(_("Not sent an invitation"))
    return str(_("Did not reply"))


def _register_initial(invitee: Invitee) -> str | None:
    if invitee.attended is None:
        return None
    if invitee.attended_way:
        return invitee.attended_way
    if invitee.attended is False:
        return NO
    # They came, but how is not recorded (from before the register asked): what they said.
    return invitee.way if invitee.way in PRESENT_WAYS else AttendanceWay.IN_PERSON


class AttendanceForm(SpecificErrorsMixin, forms.Form):
    """One question per person invited: how they took part. Unanswered ones stay unrecorded."""

    # The register as it was when the page was drawn: a save over a newer one is refused.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, invitees: list[Invitee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invitees = invitees
        self.initial.setdefault("seen", register_state(invitees))
        for invitee in invitees:
            self.fields[f"invitee_{invitee.pk}"] = forms.ChoiceField(
                label=invitee.user.full_name,
                choices=REGISTER_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=_register_initial(invitee),
                help_text=_reply_words(invitee),
                error_messages={
                    "invalid_choice": _("Choose how %(name)s took part, or that they did not")
                    % {"name": invitee.user.full_name}
                },
            )

    def _answer(self, invitee: Invitee) -> str:
        return str(self.cleaned_data.get(f"invitee_{invitee.pk}") or "")

    def attended(self) -> dict[int, bool | None]:
        """Whether each person came: None when the register leaves them out."""
        came: dict[int, bool | None] = {}
        for invitee in self.invitees:
            answer = self._answer(invitee)
            came[invitee.pk] = None if not answer else answer in PRESENT_WAYS
        return came

    def ways(self) -> dict[int, str]:
        """How each person took part, "" for those who did not or are left out."""
        return {
            invitee.pk: answer if (answer := self._answer(invitee)) != NO else ""
            for invitee in self.invitees
        }


class AttendeesAddForm(SpecificErrorsMixin, forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Who came without an invitation?"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only current members of the group are listed."),
        error_messages={"required": _("Choose at least one person who came")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = members_not_invited(meeting)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]


class MinutesForm(SpecificErrorsMixin, forms.Form):
    """A box per agenda item (breaks aside), a summary and a note of what changed."""

    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self,
        *args: Any,
        items: list[AgendaItem],
        notes: dict[int, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for number, item in enumerate(items, start=1):
            self.fields[f"item_{item.pk}"] = forms.CharField(
                label=_("%(n)s. %(title)s") % {"n": number, "title": item.title},
                required=False,
                max_length=20000,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 6}),
                initial=notes.get(item.pk, ""),
                help_text=_("What was said and agreed about this item."),
                error_messages={
                    "max_length": _("The minutes of “%(title)s” must be 20,000 characters or fewer")
                    % {"title": item.title}
                },
            )
        self.fields["summary"] = forms.CharField(
            label=_("Summary (optional)"),
            required=False,
            max_length=5000,
            widget=forms.Textarea(attrs={"rows": 4}),
            help_text=_("A few lines on the meeting as a whole, in plain words."),
            error_messages={"max_length": _("The summary must be 5,000 characters or fewer")},
        )
        self.fields["change_note"] = forms.CharField(
            label=_("What changed in this version (optional)"),
            required=False,
            max_length=200,
            help_text=_("For example: “Added Amira's point about the helpline”."),
            error_messages={"max_length": _("Say what changed in 200 characters or fewer")},
        )

    def notes(self) -> dict[int, str]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}", "") for item in self.items}


def _item_field(field: forms.Field, meeting: Meeting) -> None:
    field.queryset = AgendaItem.objects.filter(meeting=meeting).exclude(  # type: ignore[attr-defined]
        purpose=ItemPurpose.BREAK
    )
    field.empty_label = _("No item in particular")  # type: ignore[attr-defined]


class DecisionForm(SpecificErrorsMixin, VersionedModelForm[Decision]):
    required_messages = {"text": _("Enter what was decided")}

    class Meta:
        model = Decision
        fields = ["agenda_item", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "agenda_item": _("Which agenda item it was decided under"),
            "text": _("What was decided"),
        }

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _item_field(self.fields["agenda_item"], meeting)


class ActionPointForm(SpecificErrorsMixin, VersionedModelForm[ActionPoint]):
    required_messages = {"text": _("Enter what needs doing")}

    owner = PersonChoiceField(
        label=_("Who will do it (optional)"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
    )
    due_on = GovukDateField(
        label=_("By when (optional)"),
        required=False,
        help_text=_("For example, 27 3 2027"),
    )

    class Meta:
        model = ActionPoint
        fields = ["agenda_item", "text", "owner", "due_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "agenda_item": _("Which agenda item it comes from"),
            "text": _("What needs doing"),
        }

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _item_field(self.fields["agenda_item"], meeting)
        # Current members, and whoever already has it even if they have since left.
        current = Q(memberships__project_id=meeting.project_id, memberships__left_at__isnull=True)
        if self.instance.owner_id:
            current |= Q(pk=self.instance.owner_id)
        self.fields["owner"].queryset = (  # type: ignore[attr-defined]
            User.objects.filter(current).distinct().order_by("full_name")
        )


MOST_CONTRIBUTIONS = 99


class ContributionsForm(SpecificErrorsMixin, forms.Form):
    """How many times each person contributed to one item, in each way.

    People who were not there can only have contributed in writing.
    """

    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, invitees: list[Invitee], counts: Counts, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("seen", encode_counts(counts))
        self.rows: list[tuple[Invitee, list[str]]] = []
        for invitee in invitees:
            ways = (
                list(ContributionWay)
                if invitee.attended is not False
                else [ContributionWay.WRITTEN]
            )
            names = []
            for way in ways:
                name = f"c_{invitee.user_id}_{way.value}"
                # The box's own label says only the way ("In the room"): name the person too.
                who = {"name": invitee.user.full_name, "way": str(way.label).lower()}
                self.fields[name] = forms.IntegerField(
                    label=way.label,
                    required=False,
                    min_value=0,
                    max_value=MOST_CONTRIBUTIONS,
                    initial=counts.get((invitee.user_id, way.value), 0),
                    widget=forms.TextInput(
                        attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}
                    ),
                    error_messages={
                        "invalid": _(
                            "Enter how many times %(name)s contributed as a number, like 3 "
                            "(%(way)s)"
                        )
                        % who,
                        "min_value": _("The number for %(name)s cannot be less than 0 (%(way)s)")
                        % who,
                        "max_value": _("The number for %(name)s must be 99 or fewer (%(way)s)")
                        % who,
                    },
                )
                names.append(name)
            self.rows.append((invitee, names))

    def bound_rows(self) -> list[tuple[Invitee, list[forms.BoundField]]]:
        return [(invitee, [self[name] for name in names]) for invitee, names in self.rows]

    def seen_counts(self) -> Counts:
        return decode_counts(self.cleaned_data.get("seen") or "")

    def wanted(self) -> Counts:
        wanted: Counts = {}
        for invitee, names in self.rows:
            for name in names:
                way = name.split("_", 2)[2]
                wanted[(invitee.user_id, way)] = self.cleaned_data.get(name) or 0
        return wanted


ADD, TAKE_BACK = "add", "take_back"


class ContributionCountForm(SpecificErrorsMixin, forms.Form):
    """One press of a live counting button: one more for a person, or one fewer."""

    person = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": _("Choose who spoke"),
            "invalid": _("Choose who spoke"),
            "min_value": _("Choose who spoke"),
        },
    )
    change = forms.ChoiceField(
        choices=[(ADD, _("Add one")), (TAKE_BACK, _("Take one away"))],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose whether to add one or take one away"),
            "invalid_choice": _("Choose whether to add one or take one away"),
        },
    )
