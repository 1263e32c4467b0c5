"""Showing any value from a person's data on the readable copy of it."""

import datetime
from typing import Any

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def personal_value(value: Any) -> SafeString | str:
    if value is None or value == "" or value == [] or value == {}:
        return "\u2013"  # an en dash: "nothing here", as on the rest of the site
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime.datetime):
        return date_filter(timezone.localtime(value), "j M Y, H:i")
    if isinstance(value, datetime.date):
        return date_filter(value, "j M Y")
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return linebreaksbr(conditional_escape(str(value)))
