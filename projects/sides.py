"""Which "side" of the group a member's experience puts them on, for showing answers side by
side: people with lived or caring experience, professionals, and the facilitators between.

Every member counts the same wherever they sit; the sides only show whether the two kinds of
experience see things alike. Decisions and the theme ranking both group people this way.
"""

from people.models import MemberType

LIVED = "lived"
PROFESSIONAL = "professional"
FACILITATOR = "facilitator"

LIVED_OR_CARING_TYPES = frozenset({MemberType.LIVED_EXPERIENCE, MemberType.CARER})
PROFESSIONAL_TYPES = frozenset({MemberType.PROFESSIONAL, MemberType.COMMISSIONER})


def experience_side(member_type: str) -> str:
    if member_type in LIVED_OR_CARING_TYPES:
        return LIVED
    if member_type in PROFESSIONAL_TYPES:
        return PROFESSIONAL
    return FACILITATOR
