"""Forms for a meeting's papers and their versions in other formats."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from coproduce.lib.concurrency import VersionedModelForm
from coproduce.lib.forms import SpecificErrorsMixin
from meetings import paper_files
from meetings.models import AgendaItem, ItemPurpose, Meeting, Paper, PaperFormat


def _upload_error(upload: UploadedFile[bytes] | None, paper_format: str) -> str | None:
    if upload is None:
        return None
    return paper_files.check_upload(upload, paper_format)


class PaperForm(SpecificErrorsMixin, VersionedModelForm[Paper]):
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

    def clean_file(self) -> UploadedFile[bytes] | None:
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


def encode_versions(versions: dict[str, int]) -> str:
    return ";".join(f"{paper_format}:{number}" for paper_format, number in sorted(versions.items()))


def decode_versions(text: str) -> dict[str, int]:
    versions = {}
    for part in text.split(";"):
        paper_format, _colon, number = part.partition(":")
        if paper_format in PaperFormat.values and number.isdigit():
            versions[paper_format] = int(number)
    return versions


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
    # The version of each format's file when the page was drawn (`easy_read:2;audio:1`):
    # an upload over a file someone else replaced meanwhile is refused, not saved over it.
    seen = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, versions: dict[str, int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("seen", encode_versions(versions))

    def seen_version(self) -> int:
        """The version of the chosen format's file the person saw: 0 when there was none."""
        seen = decode_versions(self.cleaned_data.get("seen") or "")
        return seen.get(self.cleaned_data["format"], 0)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        paper_format, upload = cleaned.get("format"), cleaned.get("file")
        problem = _upload_error(upload, paper_format) if paper_format else None
        if problem:
            self.add_error("file", problem)
        return cleaned
