"""Forms for meetings. Each part of a meeting's life has its own section."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from coproduce.lib.forms import SpecificErrorsMixin
from meetings import paper_files
from meetings.models import (
    AgendaItem,
    AttendanceWay,
    ItemPurpose,
    Meeting,
    Paper,
    PaperFormat,
    Reply,
)
from meetings.services import agenda_overrun
from projects.models import Membership

# ---------------------------------------------------------------------------------------------
# Agenda, papers, invitations and replies


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name)


class AgendaItemForm(SpecificErrorsMixin, forms.ModelForm):
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


def _upload_error(upload: UploadedFile | None, paper_format: str) -> str | None:
    if upload is None:
        return None
    return paper_files.check_upload(upload, paper_format)


class PaperForm(SpecificErrorsMixin, forms.ModelForm):
    required_messages = {
        "title": _("Enter a title for the paper"),
        "file": _("Choose the paper's file to upload"),
    }

    file = forms.FileField(
        label=_("The paper's file"),
        help_text=_(
            "PDF, Word (.docx), OpenDocument (.odt), RTF or plain text (.txt), smaller than "
            "20 MB. You can add easy read, large print, audio and other versions next."
        ),
        error_messages={"empty": _("The file is empty. Check it opens, then choose it again.")},
    )

    class Meta:
        model = Paper
        fields = ["title", "summary", "agenda_item"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}
        labels = {"title": _("Title"), "agenda_item": _("Which agenda item it is for (optional)")}

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        field = self.fields["agenda_item"]
        field.queryset = AgendaItem.objects.filter(meeting=meeting).exclude(  # type: ignore[attr-defined]
            purpose=ItemPurpose.BREAK
        )
        field.empty_label = _("Not for one item in particular")  # type: ignore[attr-defined]

    def clean_file(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("file")
        if problem := _upload_error(upload, PaperFormat.STANDARD):
            raise forms.ValidationError(problem)
        return upload


class PaperEditForm(PaperForm):
    file = forms.FileField(
        label=_("Replace the file (optional)"),
        required=False,
        help_text=_(
            "Only if the paper has changed. PDF, Word (.docx), OpenDocument (.odt), RTF or "
            "plain text (.txt), smaller than 20 MB."
        ),
    )


ALTERNATIVE_FORMATS = [
    (value, label) for value, label in PaperFormat.choices if value != PaperFormat.STANDARD
]


class PaperVersionForm(SpecificErrorsMixin, forms.Form):
    required_messages = {
        "format": _("Choose which format this version is in"),
        "file": _("Choose the file to upload"),
    }

    format = forms.ChoiceField(
        label=_("Which format is it?"), choices=ALTERNATIVE_FORMATS, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("The file"),
        help_text=_(
            "Easy read and large print: PDF, Word (.docx), OpenDocument (.odt), RTF or plain "
            "text. Audio: MP3, M4A or WAV. Braille-ready: BRF, BRL or plain text. Plain text: "
            ".txt. Smaller than 20 MB."
        ),
        error_messages={"empty": _("The file is empty. Check it opens, then choose it again.")},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        paper_format, upload = cleaned.get("format"), cleaned.get("file")
        problem = _upload_error(upload, paper_format) if paper_format else None
        if problem:
            self.add_error("file", problem)
        return cleaned


def members_not_invited(meeting: Meeting) -> QuerySet[User]:
    """The group's current members who are not on the meeting's list yet."""
    return (
        User.objects.filter(
            memberships__project_id=meeting.project_id, memberships__left_at__isnull=True
        )
        .exclude(meeting_invitations__meeting=meeting)
        .order_by("full_name")
    )


class InviteesForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Who to invite"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person to invite")},
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = members_not_invited(meeting)  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.full_name  # type: ignore[attr-defined]
        # Everyone is ticked to begin with: meetings are for the whole group unless the
        # organiser decides otherwise.
        if not self.is_bound:
            self.initial.setdefault("people", [user.pk for user in field.queryset])  # type: ignore[attr-defined]


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


class AdvanceInputForm(forms.Form):
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
