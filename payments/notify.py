"""Telling people where their claims are, the way they asked to be told (meetings.notify).

These messages are about the person's own money, so they are essential: people who want one
message a week at most still get them. Someone who takes no email is handed back, for the
person who acted to tell them another way.
"""

from collections import defaultdict

from django.tasks import task
from django.urls import reverse

from accounts.models import User
from coproduce.lib.urls import site_root
from meetings.notify import accepts_email, members_tell
from payments.models import Claim
from people.models import Profile


def claim_url(claim: Claim, base_url: str) -> str:
    return site_root(base_url) + reverse("payments:claim_detail", args=[claim.pk])


def takes_email(user: User) -> bool:
    return accepts_email(user, Profile.objects.filter(user=user).first())


def claimant_tell(*, claim: Claim, template: str, base_url: str) -> list[User]:
    """Email the claimant about this claim; returns them if they take no email."""
    return members_tell(
        users=[claim.user],
        template=template,
        context={"claim": claim, "claim_url": claim_url(claim, base_url)},
    )


def run_paid_tell(*, run_id: int, base_url: str = "") -> int:
    """One email to each person paid in the run, listing their claims. Returns how many."""
    by_person: dict[int, list[Claim]] = defaultdict(list)
    people: dict[int, User] = {}
    for claim in Claim.objects.filter(run_id=run_id).select_related("user", "project"):
        by_person[claim.user_id].append(claim)
        people[claim.user_id] = claim.user
    statement_url = site_root(base_url) + reverse("payments:statement")
    for person_id, claims in by_person.items():
        members_tell(
            users=[people[person_id]],
            template="claims_paid",
            context={"claims": claims, "statement_url": statement_url},
        )
    return len(by_person)


@task()
def run_paid_tell_task(run_id: int, base_url: str = "") -> int:
    """In the task worker: a run of hundreds of claims is marked paid without waiting."""
    return run_paid_tell(run_id=run_id, base_url=base_url)
