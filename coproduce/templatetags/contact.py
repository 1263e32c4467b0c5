"""Ways to reach the organisation, written so that phones and mail programs can act on them."""

import re

from django import template

register = template.Library()


@register.filter
def tel_href(number: str) -> str:
    """A tel: address for a number as people write it ("0161 496 0000", "+44 (0)20 7946 0000").

    A tel: address may hold only digits and a leading +, and the "(0)" that UK numbers
    written in international form carry must go, or the number dialled is wrong.
    """
    number = number.replace("(0)", "")
    plus = "+" if number.strip().startswith("+") else ""
    return "tel:" + plus + re.sub(r"\D", "", number)
