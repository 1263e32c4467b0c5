"""A member pausing their membership for a while."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.lib.forms import GovukDateField, SpecificErrorsMixin


class PauseForm(SpecificErrorsMixin, forms.Form):
    return_on = GovukDateField(
        label=_("When do you think you will come back? (optional)"),
        required=False,
        future=True,
        help_text=_(
            "For example, 27 3 2027. Leave it empty if you do not know yet. You can come back "
            "earlier or later."
        ),
    )
