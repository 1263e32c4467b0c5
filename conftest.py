"""Personas shared by every test: the same people the demo organisation has.

Amira is a member with lived experience who uses a BSL interpreter; Deborah chairs the
website group; Grace coordinates for the whole organisation; Sam administers it; Olu has an
account but belongs to no project. Colin (carer), Priya (clinician) and Tom (commissioner)
are members too.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone

from accounts import signing_in
from accounts.models import Organisation, OrgRole, User
from people.models import MemberType
from projects.models import Membership, Project, ProjectRole

PASSWORD = "a-long-test-password"  # noqa: S105


@dataclass
class Cast:
    """The people and projects most tests need, made once per test."""

    website: Project
    employment: Project
    administrator: User
    coordinator: User
    chair: User
    member: User
    carer: User
    clinician: User
    commissioner: User
    outsider: User

    def membership(self, user: User, project: Project | None = None) -> Membership:
        return Membership.objects.current().get(user=user, project=project or self.website)


def make_user(email: str, name: str, org_role: str = OrgRole.NONE) -> User:
    return User.objects.create_user(email, PASSWORD, full_name=name, org_role=org_role)


@pytest.fixture
def cast(db: None) -> Cast:
    Organisation.objects.update_or_create(
        pk=1, defaults={"name": "Riverside Health and Care Partnership"}
    )
    website = Project.objects.create(
        name="Mental health information website", purpose="Rebuild the site with its users."
    )
    employment = Project.objects.create(
        name="Disability and employment group", purpose="Fairer routes into work."
    )
    people = Cast(
        website=website,
        employment=employment,
        administrator=make_user("sam@example.org", "Sam Okoro", OrgRole.ADMINISTRATOR),
        coordinator=make_user("grace@example.org", "Grace Whitfield", OrgRole.COORDINATOR),
        chair=make_user("deborah@example.org", "Deborah Marsh"),
        member=make_user("amira@example.org", "Amira Haddad"),
        carer=make_user("colin@example.org", "Colin Price"),
        clinician=make_user("priya@example.org", "Dr Priya Natarajan"),
        commissioner=make_user("tom@example.org", "Tom Gallagher"),
        outsider=make_user("olu@example.org", "Olu Adeyemi"),
    )
    for user, member_type, role in [
        (people.coordinator, MemberType.FACILITATOR, ProjectRole.COORDINATOR),
        (people.chair, MemberType.LIVED_EXPERIENCE, ProjectRole.CHAIR),
        (people.member, MemberType.LIVED_EXPERIENCE, ProjectRole.MEMBER),
        (people.carer, MemberType.CARER, ProjectRole.MEMBER),
        (people.clinician, MemberType.PROFESSIONAL, ProjectRole.MEMBER),
        (people.commissioner, MemberType.COMMISSIONER, ProjectRole.MEMBER),
    ]:
        Membership.objects.create(project=website, user=user, member_type=member_type, role=role)
    Membership.objects.create(
        project=employment,
        user=people.coordinator,
        member_type=MemberType.FACILITATOR,
        role=ProjectRole.COORDINATOR,
    )
    return people


def client_for(user: User | None) -> Client:
    """A client signed in as `user`, its session started as the sign-in page starts one."""
    client = Client()
    if user is not None:
        client.force_login(user)
        session = client.session
        session[signing_in.SEEN_AT] = timezone.now().timestamp()
        session.set_expiry(signing_in.idle_limit())
        session.save()
    return client
