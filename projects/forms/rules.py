"""Forms for the group's ground rules: the shared draft, adopting a version, agreeing."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.concurrency import version_field
from coproduce.lib.forms import SpecificErrorsMixin
from projects.models import Discussed, GroundRulesAnswer, GroundRulesDraft, rule_lines


class GroundRulesDraftForm(SpecificErrorsMixin, forms.ModelForm[GroundRulesDraft]):
    required_messages = {"text": _("Write at least one ground rule")}
    # The version the person started from, so a save on a stale copy is refused.
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = GroundRulesDraft
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 12})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version

    def clean_text(self) -> str:
        text: str = self.cleaned_data["text"]
        if not rule_lines(text):
            raise forms.ValidationError(_("Write at least one ground rule"))
        # One rule per line, tidied, so versions compare line by line.
        return "\n".join(rule_lines(text))


class GroundRulesAdoptForm(SpecificErrorsMixin, forms.Form):
    required_messages = {
        "change_note": _("Say what changed in this version, and why"),
        "discussed": _("Choose where the group discussed these rules"),
    }
    change_note = forms.CharField(
        label=_("What changed, and why"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Members read this to see what is new. For example, “Added a rule on breaks”."),
    )
    discussed = forms.ChoiceField(
        label=_("Where the group discussed these rules"),
        choices=Discussed.choices,
        widget=forms.RadioSelect,
    )
    # The draft's version when the page showed it: a draft changed since is not adopted unseen.
    version = version_field()


class Agreement(SpecificErrorsMixin, forms.Form):
    """A member's answer to the current ground rules."""

    required_messages: dict[str, Any] = {}
    AGREE, NOT_YET = "agree", "cannot_agree"
    answer = forms.ChoiceField(
        label=_("Do you agree to these ground rules?"),
        choices=[
            (AGREE, _("Yes, I agree")),
            (NOT_YET, _("There is something I cannot agree to")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you agree to the ground rules")},
    )
    cannot_agree_with = forms.CharField(
        label=_("What you cannot agree to, and why"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The group's leaders read this and talk with you about it."),
    )

    def __init__(self, *args: Any, answer: GroundRulesAnswer | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if answer is not None:
            self.fields["answer"].initial = self.AGREE if answer.agrees else self.NOT_YET
            self.fields["cannot_agree_with"].initial = answer.cannot_agree_with

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        reservation = cleaned.get("cannot_agree_with", "").strip()
        if cleaned.get("answer") == self.NOT_YET and not reservation:
            self.add_error(
                "cannot_agree_with",
                _("Say what you cannot agree to, so the group can talk about it"),
            )
        if cleaned.get("answer") == self.AGREE:
            cleaned["cannot_agree_with"] = ""
        return cleaned

    @property
    def agrees(self) -> bool:
        return bool(self.cleaned_data["answer"] == self.AGREE)
