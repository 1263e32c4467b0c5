"""The projects part of `manage.py demo`: the website group's shape.

Ground rules in two versions, with most members agreeing; running it twice changes nothing.
Each part of the project's shape adds its rows in its own function below, called from `load`.
"""

from accounts.models import User
from projects.models import (
    GroundRulesAnswer,
    GroundRulesDraft,
    GroundRulesVersion,
    Project,
)

RULES_V1 = [
    "Everyone's experience counts the same.",
    "One person speaks at a time.",
    "What people share about their lives stays in the room.",
]
RULES_V2 = [*RULES_V1, "We take a break at least every hour.", "Anyone can ask to pause."]
# Who agreed to the current rules; Colin has a reservation; Amira has not answered yet.
AGREED = ["grace@example.org", "deborah@example.org", "priya@example.org", "tom@example.org"]
RESERVATION = (
    "colin@example.org",
    "I cannot always stay for the whole meeting because of caring. I need to be able to leave "
    "without it counting against me.",
)


def _people(project: Project) -> dict[str, User]:
    return {user.email: user for user in User.objects.filter(memberships__project=project)}


def load(website: Project, coordinator: User) -> None:
    _ground_rules(website)


def _ground_rules(website: Project) -> None:
    if GroundRulesVersion.objects.filter(project=website).exists():
        return
    people = _people(website)
    chair = people["deborah@example.org"]
    GroundRulesVersion.objects.create(
        project=website,
        number=1,
        text="\n".join(RULES_V1),
        change_note="The rules we agreed at our first meeting.",
        discussed="at_meeting",
        adopted_by=chair,
    )
    current = GroundRulesVersion.objects.create(
        project=website,
        number=2,
        text="\n".join(RULES_V2),
        change_note="Added breaks every hour and the right to ask for a pause, as Amira asked.",
        discussed="between_meetings",
        adopted_by=chair,
    )
    GroundRulesDraft.objects.create(
        project=website,
        text="\n".join([*RULES_V2, "We send papers a week before each meeting."]),
        updated_by=people["kwame@example.org"],
    )
    for email in AGREED:
        GroundRulesAnswer.objects.create(version=current, user=people[email], agrees=True)
    email, reservation = RESERVATION
    GroundRulesAnswer.objects.create(
        version=current, user=people[email], agrees=False, cannot_agree_with=reservation
    )
