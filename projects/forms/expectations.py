"""Forms for what members expect from their group, frustrations, and the leaders' responses."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import SpecificErrorsMixin
from projects.forms.plan import VersionedForm
from projects.models import Expectation, Frustration, FrustrationState


class ExpectationForm(SpecificErrorsMixin, forms.ModelForm[Expectation]):
    required_messages = {"text": _("Write what you expect from the group")}

    class Meta:
        model = Expectation
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        error_messages = {
            "text": {"max_length": _("What you expect must be 2,000 characters or fewer")}
        }


class FrustrationForm(SpecificErrorsMixin, forms.ModelForm[Frustration]):
    required_messages = {"text": _("Write what is frustrating you")}

    class Meta:
        model = Frustration
        fields = ["text", "anonymous"]
        widgets = {"text": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "text": _("Say what happened, or what keeps happening, and how it affects you."),
            "anonymous": _(
                "Nobody in the group sees your name, its leaders included. The organisation's "
                "records still note who wrote it, and only its administrators can see them."
            ),
        }
        error_messages = {
            "text": {"max_length": _("What is frustrating you must be 2,000 characters or fewer")}
        }


class FrustrationResponseForm(VersionedForm):
    required_messages = {"response": _("Write the response")}

    class Meta:
        model = Frustration
        fields = ["response"]
        widgets = {"response": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "response": _(
                "What the group will do, or why it cannot. Everyone in the group reads it."
            )
        }
        error_messages = {
            "response": {"max_length": _("The response must be 2,000 characters or fewer")}
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].required = True


class FrustrationFilter(SpecificErrorsMixin, forms.Form):
    show = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[("", _("All frustrations")), *FrustrationState.choices],
        widget=forms.RadioSelect,
    )

    @property
    def state(self) -> str:
        return str(self.cleaned_data["show"]) if self.is_valid() else ""
