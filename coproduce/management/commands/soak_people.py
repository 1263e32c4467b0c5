"""`make soak`: add simulated members to the demo's website group, each with an account of
their own, so that many people can reply, send thoughts and be answered at once.

Run after `manage.py demo`, on a throwaway database only (scripts/soak.py makes one). Each
member signs in with the demo password, has agreed to the privacy notice, is a current
member of the group and is invited to its next meeting and to the one held yesterday, whose
window for further thoughts is open. It prints, as JSON, the members' and leaders'
addresses and the two meetings' numbers.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from coproduce.management.commands.demo import DEMO_PASSWORD, WEBSITE
from meetings.models import Invitee, Meeting
from people.models import MemberType
from privacy.models import Consent, PrivacyNotice
from projects.models import Membership, Project, ProjectRole

# The demo's meetings the simulated members take part in.
UPCOMING = "Testing the crisis pages with users"
YESTERDAY = "Crisis pages: first drafts"


class Command(BaseCommand):
    help = "Add simulated members to the demo's website group for the soak test."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--members", type=int, default=24)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["members"]
        if not 1 <= count <= 500:
            raise CommandError("--members must be between 1 and 500")
        project = Project.objects.filter(name=WEBSITE).first()
        notice = PrivacyNotice.objects.order_by("-version").first()
        meetings = list(Meeting.objects.filter(project=project, title__in=[UPCOMING, YESTERDAY]))
        if project is None or notice is None or len(meetings) != 2:
            raise CommandError("Load the demo first: manage.py demo")
        kinds = [MemberType.LIVED_EXPERIENCE, MemberType.CARER, MemberType.PROFESSIONAL]
        emails = []
        for n in range(1, count + 1):
            email = f"soak-member-{n:03}@example.org"
            user = User.objects.filter(email=email).first() or User.objects.create_user(
                email, DEMO_PASSWORD, full_name=f"Soak Member {n:03}"
            )
            Consent.objects.get_or_create(user=user, notice=notice)
            membership, _created = Membership.objects.current().get_or_create(
                project=project,
                user=user,
                defaults={"member_type": kinds[n % len(kinds)], "role": ProjectRole.MEMBER},
            )
            for meeting in meetings:
                Invitee.objects.get_or_create(
                    meeting=meeting,
                    user=user,
                    defaults={
                        "member_type": membership.member_type,
                        "invited_at": timezone.now(),
                    },
                )
            emails.append(email)
        by_title = {meeting.title: meeting.pk for meeting in meetings}
        leaders = Membership.objects.current().filter(
            project=project, role__in=[ProjectRole.COORDINATOR, ProjectRole.CHAIR]
        )
        plan = {
            "members": emails,
            "leaders": sorted(leaders.values_list("user__email", flat=True)),
            "upcoming": by_title[UPCOMING],
            "yesterday": by_title[YESTERDAY],
        }
        self.stdout.write(json.dumps(plan))
