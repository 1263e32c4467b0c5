"""The projects part of `manage.py demo`: the website group's shape.

Ground rules in two versions, with most members agreeing; Jenny paused in the employment
group; outcomes with tasks, a work plan with one milestone overdue, and phases whose
resources leave too little for putting things into practice; what members expect, and
frustrations, one answered and one anonymous. Running it twice changes nothing.
Each part of the project's shape adds its rows in its own function below, called from `load`.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from projects.models import (
    Expectation,
    Frustration,
    GroundRulesAnswer,
    GroundRulesDraft,
    GroundRulesVersion,
    Membership,
    MembershipPause,
    Milestone,
    Outcome,
    OutcomeTask,
    Phase,
    Project,
    Theme,
    default_phases,
)
from projects.services.themes import theme_ranking_save

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


# (outcome, who looks after it, status, [(task, who does it, status)])
OUTCOMES = [
    (
        "People in a crisis find the right help within two clicks",
        "deborah@example.org",
        "in_progress",
        [
            ("Crisis page written in plain words", "colin@example.org", "done"),
            ("Crisis page tested with people who use services", "amira@example.org", "in_progress"),
            ("Phone numbers checked every month", "priya@example.org", "not_started"),
        ],
    ),
    (
        "Carers can find respite and support without asking staff",
        "colin@example.org",
        "not_started",
        [("A page for carers, written with carers", "colin@example.org", "not_started")],
    ),
]
# (milestone, days from today it starts or None, days from today it is due, who, status, outcome)
MILESTONES = [
    ("Site map agreed by the group", -60, -40, "deborah@example.org", "met", 0),
    ("Crisis pages drafted", -30, -5, "kwame@example.org", "in_progress", 0),
    ("Crisis pages tested with users", -5, 10, "amira@example.org", "planned", 0),
    ("Carers' pages drafted", 20, 60, "colin@example.org", "planned", 1),
    ("New site live", None, 120, "grace@example.org", "planned", None),
]
# Staff days and budget per phase: too little left to put things into practice, so the
# overview shows its warning.
PHASE_RESOURCES = {
    "explore": (Decimal("20.0"), Decimal("6000.00")),
    "prepare": (Decimal("10.0"), Decimal("2500.00")),
    "co_design": (Decimal("25.0"), Decimal("9000.00")),
    "implement": (Decimal("8.0"), Decimal("3000.00")),
    "evaluate": (Decimal("5.0"), Decimal("1500.00")),
}


def load(website: Project, employment: Project, coordinator: User) -> None:
    _ground_rules(website)
    _pause(employment)
    _outcomes(website)
    _milestones(website)
    _phases([website, employment])
    _themes(website)
    _expectations(website)


def _outcomes(website: Project) -> None:
    people = _people(website)
    for title, owner, status, tasks in OUTCOMES:
        outcome, created = Outcome.objects.get_or_create(
            project=website, title=title, defaults={"owner": people[owner], "status": status}
        )
        if created:
            OutcomeTask.objects.bulk_create(
                OutcomeTask(outcome=outcome, title=task, owner=people[who], status=state)
                for task, who, state in tasks
            )


def _milestones(website: Project) -> None:
    if Milestone.objects.filter(project=website).exists():
        return
    people = _people(website)
    outcomes = list(Outcome.objects.filter(project=website).order_by("pk"))
    today = timezone.localdate()
    for title, start, due, owner, status, outcome in MILESTONES:
        due_on = today + datetime.timedelta(days=due)
        Milestone.objects.create(
            project=website,
            title=title,
            starts_on=today + datetime.timedelta(days=start) if start is not None else None,
            due_on=due_on,
            owner=people[owner],
            status=status,
            met_on=due_on if status == "met" else None,
            outcome=outcomes[outcome] if outcome is not None else None,
        )


def _phases(projects: list[Project]) -> None:
    """The default phases (made for projects that the demo did not set up through the
    service), with the website group's planned resources."""
    for project in projects:
        if not Phase.objects.filter(project=project).exists():
            Phase.objects.bulk_create(default_phases(project))
    today = timezone.localdate()
    for index, phase in enumerate(Phase.objects.filter(project=projects[0], budget=0)):
        days, budget = PHASE_RESOURCES.get(phase.kind, (Decimal(0), Decimal(0)))
        phase.staff_days, phase.budget = days, budget
        phase.starts_on = today + datetime.timedelta(days=60 * index - 90)
        phase.ends_on = phase.starts_on + datetime.timedelta(days=59)
        phase.save(update_fields=["staff_days", "budget", "starts_on", "ends_on"])


def _pause(employment: Project) -> None:
    """Jenny has paused her place in the employment group for a few weeks."""
    membership = Membership.objects.current().get(
        project=employment, user__email="jenny@example.org"
    )
    if not MembershipPause.objects.filter(membership=membership).exists():
        MembershipPause.objects.create(
            membership=membership, return_on=timezone.localdate() + datetime.timedelta(days=21)
        )


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


THEMES = [
    ("Finding help in a crisis", "What someone sees first when they need help now."),
    ("Plain words everywhere", "Pages anyone can read, with no jargon."),
    ("Easy to use on a phone", "Most people visit on their phone."),
    ("Stories from people who use services", "Real experiences beside the facts."),
]

# How three members ranked the themes: the place of each theme above, 1 mattering most.
RANKINGS = {
    "amira@example.org": [1, 2, 3, 4],
    "colin@example.org": [2, 1, 4, 3],
    "priya@example.org": [1, 3, 2, 4],
}


def _themes(website: Project) -> None:
    if Theme.objects.filter(project=website).exists():
        return
    themes = [
        Theme.objects.create(project=website, name=name, description=description)
        for name, description in THEMES
    ]
    for email, places in RANKINGS.items():
        membership = Membership.objects.filter(project=website, user__email=email).first()
        if membership is None:
            continue
        theme_ranking_save(
            membership=membership,
            positions={theme.pk: place for theme, place in zip(themes, places, strict=True)},
        )


EXPECTATIONS = {
    "amira@example.org": "That people who use the website decide what the crisis pages say, and "
    "that the pages work with a screen reader and in BSL video.",
    "colin@example.org": "To get carers' information in one place, and meetings I can leave early "
    "when I need to.",
    "priya@example.org": "To hear directly what gets in the way when people look for help, and to "
    "check the clinical facts are right.",
}
# (who, hidden from the group, what frustrates them, the response or "" if none yet)
FRUSTRATIONS = [
    (
        "colin@example.org",
        False,
        "Papers arrived the evening before the last meeting, so I could not read them in large "
        "print in time.",
        "You are right, and we are sorry. Papers now go out a week before, and the large-print "
        "copies are posted the same day.",
    ),
    (
        "amira@example.org",
        True,
        "In the last meeting the professionals talked among themselves and the rest of us "
        "could not follow.",
        "",
    ),
]


def _expectations(website: Project) -> None:
    if Frustration.objects.filter(project=website).exists():
        return
    people = _people(website)
    for email, text in EXPECTATIONS.items():
        Expectation.objects.get_or_create(
            project=website, user=people[email], defaults={"text": text}
        )
    chair = people["deborah@example.org"]
    now = timezone.now()
    for days_ago, (email, anonymous, text, response) in zip((20, 3), FRUSTRATIONS, strict=True):
        raised_at = now - datetime.timedelta(days=days_ago)
        Frustration.objects.create(
            project=website,
            raised_by=people[email],
            anonymous=anonymous,
            text=text,
            raised_at=raised_at,
            response=response,
            responded_by=chair if response else None,
            responded_at=raised_at + datetime.timedelta(days=2) if response else None,
        )
