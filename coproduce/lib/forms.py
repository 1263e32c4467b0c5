"""What every form in Coproduce shares: error messages that say what to do."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class SpecificErrorsMixin:
    """Replace Django's "This field is required." with a message naming the field.

    A form lists its own wording in `required_messages`; any other required field gets a
    message built from its label, so no field is left with the generic text.
    """

    required_messages: dict[str, Any] = {}
    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name in self.required_messages:
                message = self.required_messages[name]
            elif isinstance(field.widget, forms.RadioSelect | forms.Select):
                message = _("Choose an answer for “%(label)s”") % {"label": field.label}
            else:
                message = _("Fill in “%(label)s”") % {"label": field.label}
            field.error_messages["required"] = message
