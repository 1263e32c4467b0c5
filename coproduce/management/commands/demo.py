"""Load a realistic, fictional organisation to try Coproduce with.

Running it again changes nothing that is already there, so `make run` can call it every
time. Every name and address is invented; the addresses use the reserved example.org domain.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import AuditEvent, Organisation, OrgRole, User
from decisions import demo as decisions_demo
from meetings import demo as meetings_demo
from payments import demo as payments_demo
from people.catalogue import add_starting_catalogue
from people.models import AccessNeed, AccessNeedType, MemberType, Profile
from privacy.models import Consent, PrivacyNotice
from privacy.services import privacy_notice_publish
from projects import demo as projects_demo
from projects.models import (
    EqualityReceipt,
    EqualityResponse,
    Invitation,
    Membership,
    Project,
    ProjectRole,
    Skill,
    SkillOffer,
    Stakeholder,
)
from recruitment import demo as recruitment_demo

DEMO_PASSWORD = "coproduce-demo"  # noqa: S105  (published in the README on purpose)

WEBSITE = "Mental health information website"
EMPLOYMENT = "Disability and employment group"

# Six anonymous sets of answers for the website group, and the six members who gave them
# (in no particular order: nothing says whose answers are whose).
EQUALITY_ANSWERED = [
    "grace@example.org",
    "deborah@example.org",
    "colin@example.org",
    "priya@example.org",
    "tom@example.org",
    "kwame@example.org",
]
EQUALITY_ANSWERS: list[dict[str, str]] = [
    {
        "age_band": "45_54",
        "disability": "yes",
        "ethnicity": "white",
        "gender": "woman",
        "sexual_orientation": "heterosexual",
        "religion": "none",
        "caring": "no",
    },
    {
        "age_band": "55_64",
        "disability": "yes",
        "ethnicity": "white",
        "gender": "woman",
        "sexual_orientation": "heterosexual",
        "religion": "christian",
        "caring": "yes",
    },
    {
        "age_band": "35_44",
        "disability": "no",
        "ethnicity": "black",
        "gender": "man",
        "sexual_orientation": "gay_or_lesbian",
        "religion": "none",
        "caring": "yes",
    },
    {
        "age_band": "35_44",
        "disability": "no",
        "ethnicity": "asian",
        "gender": "woman",
        "sexual_orientation": "heterosexual",
        "religion": "hindu",
        "caring": "no",
    },
    {
        "age_band": "45_54",
        "disability": "prefer_not_to_say",
        "ethnicity": "white",
        "gender": "man",
        "sexual_orientation": "prefer_not_to_say",
        "religion": "none",
        "caring": "no",
    },
    {
        "age_band": "25_34",
        "disability": "yes",
        "ethnicity": "white",
        "gender": "woman",
        "sexual_orientation": "",
        "religion": "",
        "caring": "no",
    },
]


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    org_role: str = OrgRole.NONE
    # (project name, member type, role)
    places: tuple[tuple[str, str, str], ...] = ()


L, C, P, CO, F = (
    MemberType.LIVED_EXPERIENCE,
    MemberType.CARER,
    MemberType.PROFESSIONAL,
    MemberType.COMMISSIONER,
    MemberType.FACILITATOR,
)

PEOPLE = [
    Person("sam@example.org", "Sam Okoro", OrgRole.ADMINISTRATOR),
    Person(
        "grace@example.org",
        "Grace Whitfield",
        OrgRole.COORDINATOR,
        ((WEBSITE, F, ProjectRole.COORDINATOR), (EMPLOYMENT, F, ProjectRole.COORDINATOR)),
    ),
    Person("deborah@example.org", "Deborah Marsh", places=((WEBSITE, L, ProjectRole.CHAIR),)),
    Person("amira@example.org", "Amira Haddad", places=((WEBSITE, L, ProjectRole.MEMBER),)),
    Person("colin@example.org", "Colin Price", places=((WEBSITE, C, ProjectRole.MEMBER),)),
    Person("priya@example.org", "Dr Priya Natarajan", places=((WEBSITE, P, ProjectRole.MEMBER),)),
    Person("tom@example.org", "Tom Gallagher", places=((WEBSITE, CO, ProjectRole.MEMBER),)),
    Person(
        "kwame@example.org",
        "Kwame Mensah",
        places=((WEBSITE, L, ProjectRole.MINUTE_TAKER), (EMPLOYMENT, L, ProjectRole.MEMBER)),
    ),
    Person("harriet@example.org", "Harriet Blake", places=((EMPLOYMENT, L, ProjectRole.CHAIR),)),
    Person("marcus@example.org", "Marcus Reid", places=((EMPLOYMENT, L, ProjectRole.CO_CHAIR),)),
    Person("jenny@example.org", "Jenny Cho", places=((EMPLOYMENT, C, ProjectRole.MINUTE_TAKER),)),
    Person("rafael@example.org", "Rafael Santos", places=((EMPLOYMENT, P, ProjectRole.MEMBER),)),
    Person("linda@example.org", "Linda Morrow", places=((EMPLOYMENT, CO, ProjectRole.OBSERVER),)),
    # Pays people: sees approved claims, payment runs and, after saying why, bank details.
    Person("fatima@example.org", "Fatima Rahman", OrgRole.FINANCE),
    Person("olu@example.org", "Olu Adeyemi"),
]

PROJECTS = {
    WEBSITE: (
        "We are rebuilding the local mental health information website with the people who "
        "use it. The group decides what the site says, how it is organised and how people "
        "find help in a crisis, and checks every page before it goes live."
    ),
    EMPLOYMENT: (
        "Disabled people, carers, employers and the council work together to make it easier "
        "for disabled people to find and keep paid work: better advice, fairer recruitment "
        "and support that does not stop when a job starts."
    ),
}

# Access requirements, as each person recorded them: (catalogue code, detail).
ACCESS_NEEDS = {
    "amira@example.org": [("bsl-interpreter", ""), ("regular-breaks", "60")],
    "colin@example.org": [("paper-by-post", ""), ("large-print", "16")],
    "harriet@example.org": [("step-free", ""), ("wheelchair-space", ""), ("accessible-toilet", "")],
    "kwame@example.org": [("quiet-room", ""), ("easy-read", "")],
    "marcus@example.org": [("assistance-dog", ""), ("screen-reader", "")],
}
POSTAL_ADDRESSES = {"colin@example.org": "12 Mill Lane\nRiverside\nRV1 2AB"}

# (name, is an organisation, interest, influence, involvement, should become a partner)
STAKEHOLDERS = [
    (
        "Riverside Carers' Centre",
        True,
        "Carers look for respite and crisis help on the site.",
        "medium",
        "consult",
        True,
    ),
    (
        "Community mental health team",
        True,
        "Staff send patients to the site after appointments.",
        "high",
        "involve",
        False,
    ),
    (
        "Integrated care board",
        True,
        "Pays for the website and wants fewer crisis admissions.",
        "high",
        "inform",
        True,
    ),
    (
        "Riverside Library",
        True,
        "Helps people without internet at home use the site.",
        "low",
        "inform",
        False,
    ),
]

PRIVACY_SUMMARY = (
    "We keep your name, contact details and access requirements so you can take part in our "
    "co-production groups and so we can arrange the support you need.\n\n"
    "Only the people who organise your groups see your access requirements, unless you choose "
    "to share them. We never sell your information or use it for marketing.\n\n"
    "You can download a copy of your data, or ask us to delete it, at any time from your "
    "profile."
)

PRIVACY_BODY = (
    "Riverside Health and Care Partnership is responsible for the information you give us "
    "here.\n\n"
    "What we keep: your name, email address, phone number and postal address if you give them; "
    "what you bring to co-production; your access requirements; the groups you take part in; "
    "and a record of what happens to your information.\n\n"
    "Why we keep it: to run co-production groups with you, to arrange support such as "
    "interpreters, large print or breaks, and to contact you the way you prefer. The law lets "
    "us do this because you agree to it and because it is part of our public task. Access "
    "requirements can be health information, so we take extra care with them.\n\n"
    "Who sees it: the coordinators and facilitators of your groups see your access requirements"
    " so they can arrange support. Other members see them only if you choose. Each time someone"
    " else looks at them, we record who and why.\n\n"
    "How long we keep it: while you take part, and for up to two years after your last group, "
    "unless you ask us to delete it sooner.\n\n"
    "Your rights: you can see, correct, download or ask us to delete your information. If you "
    "are unhappy with how we use it, tell us first. You can also complain to the Information "
    "Commissioner's Office at ico.org.uk."
)

# Everyone in the demo has agreed to the privacy notice except Olu, so the request to agree
# can be seen by signing in as him.
WITHOUT_CONSENT = {"olu@example.org"}

# (skill, what it is for, plan if nobody brings it, who brings it)
SKILLS = [
    (
        "Plain English editing",
        "So every page can be understood on a first read",
        "",
        ["deborah@example.org", "colin@example.org"],
    ),
    (
        "Knowing local crisis services",
        "So the crisis pages send people to the right place",
        "",
        ["priya@example.org", "amira@example.org", "kwame@example.org"],
    ),
    (
        "Testing with screen readers",
        "To check the site works for blind and partially sighted members",
        "visiting_expert",
        [],
    ),
    ("Writing for search engines", "So people find the site when they search", "training", []),
]

# The personas the tests and the README refer to, by what they let you try.
PERSONAS = {
    "administrator": "sam@example.org",
    "coordinator": "grace@example.org",
    "chair": "deborah@example.org",
    "member": "amira@example.org",
    "carer": "colin@example.org",
    "clinician": "priya@example.org",
    "commissioner": "tom@example.org",
    "outsider": "olu@example.org",
    "finance": "fatima@example.org",
    # On the employment group's selection panel without leading the group.
    "panel_member": "kwame@example.org",
}


class Command(BaseCommand):
    help = "Load the fictional demo organisation (safe to run more than once)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is off. The demo accounts share a published password.",
        )

    @transaction.atomic
    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "The demo accounts share a published password, so they are not loaded when "
                "DEBUG is off. Use --force on a machine nobody else can reach."
            )
        _organisation()
        coordinator = self._person(PEOPLE[1])
        projects = self._groups(coordinator)
        _access_needs()
        _stakeholders(projects[WEBSITE])
        _privacy_notice()
        _skills(projects[WEBSITE])
        _equality_answers(projects[WEBSITE])
        _invitation(projects[EMPLOYMENT], coordinator)
        projects_demo.load(projects[WEBSITE], projects[EMPLOYMENT], coordinator)
        recruitment_demo.load(projects[EMPLOYMENT], coordinator)
        meetings_demo.load(projects[WEBSITE], coordinator)
        decisions_demo.load(projects[WEBSITE], coordinator)
        payments_demo.load(projects[WEBSITE], coordinator)

        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation ready: {User.objects.count()} people, "
                f"{Project.objects.count()} projects. Every demo account's password is "
                f"“{DEMO_PASSWORD}”."
            )
        )

    def _groups(self, coordinator: User) -> dict[str, Project]:
        """The demo's two groups, with everyone in the places the people list gives them."""
        projects = {
            name: Project.objects.get_or_create(
                name=name, defaults={"purpose": purpose, "created_by": coordinator}
            )[0]
            for name, purpose in PROJECTS.items()
        }
        for person in PEOPLE:
            user = self._person(person)
            for project_name, member_type, role in person.places:
                _membership, created = Membership.objects.current().get_or_create(
                    project=projects[project_name],
                    user=user,
                    defaults={"member_type": member_type, "role": role},
                )
                if created:
                    AuditEvent.record(
                        actor=coordinator,
                        action="membership.added",
                        summary=f"{user.full_name} joined as {ProjectRole(role).label}",
                        project=projects[project_name],
                        subject=user,
                    )

        return projects

    def _person(self, person: Person) -> User:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = User.objects.create_user(
                person.email, DEMO_PASSWORD, full_name=person.name, org_role=person.org_role
            )
        return user


def _organisation() -> None:
    """The demo organisation's name and contacts, unless someone has set their own."""
    organisation = Organisation.current()
    if organisation.name == Organisation._meta.get_field("name").default:
        organisation.name = "Riverside Health and Care Partnership"
        organisation.contact_email = "involvement@example.org"
        organisation.contact_phone = "01632 960 000"
        organisation.accessibility_contact_email = "access@example.org"
        organisation.benefits_advice_url = "https://www.gov.uk/benefits-calculators"
        today = timezone.localdate()
        organisation.accessibility_prepared_on = today - timedelta(days=120)
        organisation.accessibility_reviewed_on = today - timedelta(days=14)
        organisation.accessibility_known_issues = (
            "The map on each venue's page has no text version yet: the address and "
            "directions are written beside it."
        )
        organisation.save()


def _access_needs() -> None:
    """Access requirements and profiles for the people who have them."""
    # Test databases that were emptied after a test lose what migrations added.
    add_starting_catalogue(AccessNeedType)
    for email, needs in ACCESS_NEEDS.items():
        user = User.objects.get(email=email)
        Profile.objects.get_or_create(
            user=user,
            defaults={
                "channels": ["email", "post"] if email in POSTAL_ADDRESSES else ["email"],
                "postal_address": POSTAL_ADDRESSES.get(email, ""),
                "access_recorded_at": timezone.now(),
            },
        )
        for code, detail in needs:
            AccessNeed.objects.get_or_create(
                user=user,
                need_type=AccessNeedType.objects.get(code=code),
                defaults={"detail": detail},
            )


def _stakeholders(website: Project) -> None:
    """The website group's stakeholder map."""
    for name, is_org, interest, influence, involvement, partner in STAKEHOLDERS:
        Stakeholder.objects.get_or_create(
            project=website,
            name=name,
            defaults={
                "is_organisation": is_org,
                "interest": interest,
                "influence": influence,
                "involvement": involvement,
                "should_become_partner": partner,
            },
        )


def _privacy_notice() -> None:
    """A published privacy notice that everyone except Olu has agreed to."""
    notice = PrivacyNotice.objects.order_by("-version").first()
    if notice is None:
        notice = privacy_notice_publish(
            summary=PRIVACY_SUMMARY,
            body=PRIVACY_BODY,
            actor=User.objects.get(email=PEOPLE[0].email),
        )
    for person in PEOPLE:
        if person.email not in WITHOUT_CONSENT:
            Consent.objects.get_or_create(user=User.objects.get(email=person.email), notice=notice)


def _skills(website: Project) -> None:
    """What the website group needs, and who brings it."""
    for name, description, plan, bringers in SKILLS:
        skill, _created = Skill.objects.get_or_create(
            project=website,
            name=name,
            defaults={"description": description, "gap_plan": plan},
        )
        for email in bringers:
            SkillOffer.objects.get_or_create(skill=skill, user=User.objects.get(email=email))


def _equality_answers(website: Project) -> None:
    """Anonymous equality answers, so the website group's summary has something to show.

    Amira has not answered, so she is still asked.
    """
    if not EqualityResponse.objects.filter(project=website).exists():
        EqualityResponse.objects.bulk_create(
            EqualityResponse(project=website, **answers) for answers in EQUALITY_ANSWERS
        )
        EqualityReceipt.objects.bulk_create(
            EqualityReceipt(project=website, user=User.objects.get(email=email))
            for email in EQUALITY_ANSWERED
        )


def _invitation(employment: Project, coordinator: User) -> None:
    """An invitation to the employment group waiting to be accepted."""
    if not Invitation.objects.filter(project=employment).exists():
        invitation = Invitation(
            project=employment,
            email="nadia@example.org",
            full_name="Nadia Karim",
            member_type=MemberType.LIVED_EXPERIENCE,
            role=ProjectRole.MEMBER,
            message="We would love you to bring your experience of Access to Work.",
            invited_by=coordinator,
        )
        invitation.issue_token(valid_days=14)
        invitation.created_at = timezone.now() - timedelta(days=2)
        invitation.save()
