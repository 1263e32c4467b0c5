"""Personas shared by every test: the same people the demo organisation has.

Amira is a member with lived experience who uses a BSL interpreter; Deborah chairs the
website group; Grace coordinates for the whole organisation; Sam administers it; Olu has an
account but belongs to no project. Colin (carer), Priya (clinician) and Tom (commissioner)
are members too. Fatima works in finance: she pays people and belongs to no project.
"""

import datetime
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connections
from django.test import Client
from django.utils import timezone

from accounts import signing_in
from accounts.models import Organisation, OrgRole, User
from coproduce.settings import object_storage
from people.models import MemberType
from privacy.models import PrivacyNotice
from projects.models import Membership, Project, ProjectRole
from tests.object_store import MISSING, WEED, ObjectStore, seaweedfs

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
    finance: User

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
        finance=make_user("fatima@example.org", "Fatima Rahman", OrgRole.FINANCE),
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
    # As on a site in use, the shared cache already holds the organisation and the latest
    # privacy notice, so counting a page's queries counts the page's own.
    Organisation.remembered()
    PrivacyNotice.latest_pk()
    return people


def date_fields(name: str, day: datetime.date | None) -> dict[str, str]:
    """What a person types in a date field's day, month and year boxes (empty for None)."""
    if day is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


def at_the_same_moment(
    refused: type[Exception] | tuple[type[Exception], ...], *steps: Callable[[], object]
) -> list[str]:
    """Run each step in its own thread (so its own database connection), started together.

    Gives "done", or "refused" when the step raised `refused`, for each step, sorted.
    """
    start = threading.Barrier(len(steps))
    outcomes: list[str] = []

    def run(step: Callable[[], object]) -> None:
        start.wait()
        try:
            step()
            outcomes.append("done")
        except refused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


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


@pytest.fixture(scope="session")
def object_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ObjectStore]:
    """A real S3-compatible server (SeaweedFS) on 127.0.0.1, one per test process."""
    if not WEED.exists():
        pytest.skip(MISSING)
    with seaweedfs(tmp_path_factory.mktemp("seaweedfs")) as store:
        yield store


@pytest.fixture
def s3_folder(settings: Any, object_store: ObjectStore) -> str:
    """Uploads go to a folder of their own in the object store's private bucket, configured
    exactly as the settings configure it from the environment. Returns the folder."""
    folder = object_store.new_folder()
    storage = object_storage(
        object_store.environment(folder), memory_limit=settings.FILE_UPLOAD_MAX_MEMORY_SIZE
    )
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return folder
