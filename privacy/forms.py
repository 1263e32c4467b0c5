from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import SpecificErrorsMixin
from privacy.models import ErasureRequest, PrivacyNotice


class PrivacyNoticeForm(SpecificErrorsMixin, forms.ModelForm[PrivacyNotice]):
    required_messages = {
        "summary": _("Write a summary in plain English"),
        "body": _("Write the full privacy notice"),
    }

    class Meta:
        model = PrivacyNotice
        fields = ["summary", "body"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 8}),
            "body": forms.Textarea(attrs={"rows": 20}),
        }


class ConsentForm(SpecificErrorsMixin, forms.Form):
    """Carries the version the person read, so they never agree to one they have not seen."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, notice: PrivacyNotice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notice = notice

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("version") != self.notice.version:
            raise forms.ValidationError(
                _(
                    "We changed the privacy notice while you were reading it. Read the new "
                    "summary below, then agree if you are happy with it."
                )
            )
        return cleaned


class ErasureRequestForm(SpecificErrorsMixin, forms.ModelForm[ErasureRequest]):
    class Meta:
        model = ErasureRequest
        fields = ["reason"]
        labels = {"reason": _("Why do you want us to delete your data? (optional)")}
        help_texts = {
            "reason": _("You do not have to tell us. It can help us do better."),
        }
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}


class ErasureDecisionForm(SpecificErrorsMixin, forms.Form):
    ERASE, DECLINE = "erase", "decline"
    decision = forms.ChoiceField(
        label=_("What do you want to do?"),
        choices=[
            (ERASE, _("Delete their personal data now")),
            (DECLINE, _("Decline the request, and tell them why")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the person"),
        help_text=_(
            "We email this to them. If you decline, say why, for example a legal reason to "
            "keep their data, and how they can complain to the Information Commissioner's "
            "Office."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    required_messages = {"decision": _("Choose what you want to do: delete their data or decline")}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == self.DECLINE and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why you are declining, so we can tell them"))
        return cleaned


class MentionRedactForm(SpecificErrorsMixin, forms.Form):
    """Which mention to remove the name from; the page shows it before the button."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=200)
    required_messages = {"key": _("Choose the text to remove their name from")}
