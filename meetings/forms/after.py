"""Forms for after the meeting: further thoughts, answering them, and the after-meeting check."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import SpecificErrorsMixin
from meetings.models import AfterMeetingCheck, AgendaItem, ItemPurpose, Meeting, Rating

MAX_TEXT = 5000


def _long_text(label: Any, *, required: bool = False, help_text: Any = "", rows: int = 5) -> Any:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "max_length": _("“%(label)s” must be 5,000 characters or fewer") % {"label": label}
        },
    )


class AgendaItemChoiceField(forms.ModelChoiceField[AgendaItem]):
    def label_from_instance(self, obj: AgendaItem) -> str:
        return str(obj.title)


class CoolingOffForm(SpecificErrorsMixin, forms.Form):
    required_messages = {"text": _("Write your thoughts")}

    agenda_item = AgendaItemChoiceField(
        label=_("What are your thoughts about?"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The meeting in general"),
    )
    text = _long_text(
        _("Your further thoughts"),
        required=True,
        help_text=_("Anything you thought of since, or did not get the chance to say."),
        rows=8,
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = AgendaItem.objects.filter(  # type: ignore[attr-defined]
            meeting=meeting
        ).exclude(purpose=ItemPurpose.BREAK)


class ConsiderForm(SpecificErrorsMixin, forms.Form):
    required_messages = {
        "response": _("Write a response, so the person knows how their thoughts were considered")
    }

    response = _long_text(
        _("Your response"),
        required=True,
        help_text=_(
            "What the group did with these thoughts, or will do. The person gets your "
            "response by email, or the way they asked to be contacted."
        ),
    )


def _label(name: str) -> Any:
    """The model's own wording of a question, so the form and the model never drift apart."""
    return getattr(AfterMeetingCheck._meta.get_field(name), "verbose_name", name)


YES_NO = [("yes", _("Yes")), ("no", _("No"))]


def _rating(name: str) -> forms.TypedChoiceField:
    # The "required" message comes from CheckForm.required_messages.
    return forms.TypedChoiceField(
        label=_label(name), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )


class CheckForm(SpecificErrorsMixin, forms.Form):
    """The after-meeting check, in the model's own questions."""

    required_messages = {
        "co_producing": _("Say how far we are really co-producing this work"),
        "ground_rules": _("Say how far our ground rules are being respected"),
        "work_plan": _("Say how far we are following our work-plan"),
        "anyone_worried": _("Say whether anyone is worried about anything"),
    }

    co_producing = _rating("co_producing")
    ground_rules = _rating("ground_rules")
    work_plan = _rating("work_plan")
    anyone_worried = forms.ChoiceField(
        label=_label("worried"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("You, or someone you have noticed. If yes, say what about below."),
    )
    worried = _long_text(_("What is the worry? (if anyone is worried)"), rows=3)
    went_well = _long_text(_label("went_well"), rows=3)
    not_working = _long_text(_label("not_working"), rows=3)
    learnt = _long_text(_label("learnt"), rows=3)
    could_help = _long_text(_label("could_help"), rows=3)
    anonymous = forms.BooleanField(
        label=_("Send my answers without my name"),
        required=False,
        help_text=_(
            "We keep a note that you answered, so you are not asked again, but not which "
            "answers are yours."
        ),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        worried = (cleaned.get("worried") or "").strip()
        if cleaned.get("anyone_worried") == "yes" and not worried:
            self.add_error("worried", _("Say what the worry is, or answer No"))
        if cleaned.get("anyone_worried") == "no":
            # A "No" with text typed before changing one's mind would read as a worry.
            cleaned["worried"] = ""
        return cleaned
