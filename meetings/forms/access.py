"""Forms for a meeting's access plan: support booked, reasons for unmet needs, readiness."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.concurrency import VersionedModelForm
from coproduce.lib.forms import SpecificErrorsMixin
from meetings.models import Arrangement, ArrangementKind, UnmetNeedReason


class ArrangementForm(SpecificErrorsMixin, VersionedModelForm[Arrangement]):
    required_messages = {"kind": _("Choose what is booked")}

    kind = forms.ChoiceField(
        label=_("What is booked"), choices=ArrangementKind.choices, widget=forms.RadioSelect
    )

    class Meta:
        model = Arrangement
        fields = ["kind", "detail", "confirmed"]
        labels = {
            "detail": _("Details (optional)"),
            "confirmed": _("The booking is confirmed"),
        }
        help_texts = {
            "detail": _("For example, who is booked, or which language."),
            "confirmed": _(
                "Tick this once the provider has said yes. Until then, the plan shows a warning."
            ),
        }


class UnmetNeedReasonForm(SpecificErrorsMixin, VersionedModelForm[UnmetNeedReason]):
    required_messages = {
        "reason": _("Say why this need cannot be met"),
        "offered_instead": _("Say what was offered instead"),
    }

    class Meta:
        model = UnmetNeedReason
        fields = ["reason", "offered_instead"]
        labels = {
            "reason": _("Why can it not be met?"),
            "offered_instead": _("What was offered instead?"),
        }
        help_texts = {
            "reason": _("In plain words. Do not name the people who need it."),
            "offered_instead": _(
                "For example, another way to take part, or support at a later meeting."
            ),
        }
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 4}),
            "offered_instead": forms.Textarea(attrs={"rows": 4}),
        }


class MarkReadyForm(SpecificErrorsMixin, forms.Form):
    """Needs with no automatic check are confirmed by the person marking the meeting ready."""

    checked = forms.BooleanField(
        label=_("I have checked the needs listed to check by hand"),
        required=True,
        error_messages={
            "required": _("Confirm you have checked the needs listed to check by hand")
        },
    )

    def __init__(self, *args: Any, needs_checking: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not needs_checking:
            del self.fields["checked"]
