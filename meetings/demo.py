"""Demo meetings for `manage.py demo`: venues, and the website group's meetings at each stage.

- "Planning the new website" was held three weeks ago; its cooling-off window has closed.
- "Crisis pages: first drafts" was held yesterday; its cooling-off window is still open.
- "Testing the crisis pages with users" is in ten days, at a venue without a hearing loop or
  step-free access: its access plan has unmet needs, so it is still being planned.
- "Spring planning day" has no date yet: members are answering the date poll.

Each part of the meetings work adds what it records (agenda, papers, minutes, contributions,
checks) in its own function below, called from `load`. Running it twice changes nothing.
"""

import datetime
from collections.abc import Mapping

from django.utils import timezone

from accounts.models import User
from meetings.models import (
    AttendanceWay,
    DateOption,
    Invitee,
    Meeting,
    MeetingFormat,
    MeetingStatus,
    Reply,
    Venue,
)
from projects.models import Membership, Project

VENUES = [
    {
        "name": "Riverside Community Centre",
        "address": "1 Quay Street\nRiverside\nRV1 1AA",
        "directions": "Main entrance on Quay Street, level with the pavement. Bus 12 stops outside",
        "capacity": 30,
        "step_free": True,
        "hearing_loop": True,
        "accessible_toilet": True,
        "quiet_room": True,
        "parking": True,
        "public_transport": True,
        "good_lighting": True,
        "wheelchair_space": True,
        "assistance_dogs": True,
    },
    {
        "name": "Old Library meeting room",
        "address": "Library Lane\nRiverside\nRV2 4CD",
        "directions": "First floor, up one flight of stairs. No lift.",
        "capacity": 12,
        "public_transport": True,
        "assistance_dogs": True,
    },
]


def _at(days: int, hour: int) -> datetime.datetime:
    """A local time `days` from today, on the hour."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _meeting(project: Project, title: str, creator: User, **fields: object) -> Meeting:
    meeting, _created = Meeting.objects.get_or_create(
        project=project, title=title, defaults={"created_by": creator, **fields}
    )
    return meeting


def _invite_everyone(meeting: Meeting, replies: Mapping[str, tuple[str, str]]) -> None:
    """Invite the group's current members; `replies` maps an email to (reply, way)."""
    for membership in Membership.objects.current().filter(project=meeting.project):
        reply, way = replies.get(membership.user.email, ("", ""))
        Invitee.objects.get_or_create(
            meeting=meeting,
            user=membership.user,
            defaults={
                "member_type": membership.member_type,
                "reply": reply,
                "way": way,
                "replied_at": timezone.now() if reply else None,
                "invited_at": meeting.created_at,
            },
        )


def load(website: Project, coordinator: User) -> None:
    venues = {
        fields["name"]: Venue.objects.get_or_create(name=fields["name"], defaults=fields)[0]
        for fields in VENUES
    }
    centre, library = venues["Riverside Community Centre"], venues["Old Library meeting room"]
    came = dict.fromkeys(
        (
            "deborah@example.org",
            "amira@example.org",
            "colin@example.org",
            "priya@example.org",
            "kwame@example.org",
            "grace@example.org",
        ),
        (Reply.COMING, AttendanceWay.IN_PERSON),
    )
    came["tom@example.org"] = (Reply.APOLOGIES, AttendanceWay.WRITTEN)

    held = _meeting(
        website,
        "Planning the new website",
        coordinator,
        purpose="Agree what the new website must do and who it is for.",
        starts_at=_at(-21, 14),
        ends_at=_at(-21, 16),
        format=MeetingFormat.HYBRID,
        venue=centre,
        video_link="https://meet.example.org/riverside-website",
        # A number from the range Ofcom keeps for drama and examples: it rings nobody.
        phone_dial_in="020 7946 0123",
        video_captions=True,
        status=MeetingStatus.CLOSED,
        ready_at=timezone.now() - datetime.timedelta(days=30),
        closed_at=_at(-21, 16),
        cooling_off_ends_at=_at(-21, 16) + datetime.timedelta(hours=48),
        cooling_off_closed_at=_at(-21, 16) + datetime.timedelta(hours=48),
        created_at=timezone.now() - datetime.timedelta(days=40),
    )
    _invite_everyone(held, came)

    yesterday = _meeting(
        website,
        "Crisis pages: first drafts",
        coordinator,
        purpose="Read the first drafts of the crisis pages together and say what to change.",
        starts_at=_at(-1, 10),
        ends_at=_at(-1, 12),
        format=MeetingFormat.IN_PERSON,
        venue=centre,
        status=MeetingStatus.CLOSED,
        ready_at=timezone.now() - datetime.timedelta(days=9),
        closed_at=_at(-1, 12),
        cooling_off_ends_at=_at(-1, 12) + datetime.timedelta(hours=48),
        created_at=timezone.now() - datetime.timedelta(days=20),
    )
    _invite_everyone(yesterday, came)

    upcoming = _meeting(
        website,
        "Testing the crisis pages with users",
        coordinator,
        purpose="Plan how we test the crisis pages with people who have used crisis services.",
        starts_at=_at(10, 13),
        ends_at=_at(10, 16),
        format=MeetingFormat.IN_PERSON,
        venue=library,
        created_at=timezone.now() - datetime.timedelta(days=5),
    )
    _invite_everyone(
        upcoming,
        {
            "amira@example.org": (Reply.COMING, AttendanceWay.IN_PERSON),
            "colin@example.org": (Reply.COMING, AttendanceWay.VIDEO),
            "priya@example.org": (Reply.APOLOGIES, AttendanceWay.WRITTEN),
        },
    )

    spring = _meeting(
        website,
        "Spring planning day",
        coordinator,
        purpose="Look back at the year and plan the next one.",
        format=MeetingFormat.HYBRID,
        venue=centre,
        video_link="https://meet.example.org/riverside-spring",
    )
    if not spring.date_options.exists():
        DateOption.objects.bulk_create(
            DateOption(meeting=spring, starts_at=_at(days, 10), ends_at=_at(days, 15))
            for days in (60, 67, 74)
        )
    _preparation(website, coordinator)
    _record(website)
    _access_plan(website, coordinator)
    _after(website, coordinator)
    _planning(website)


# ---------------------------------------------------------------------------------------------
# Meetings: preparation (agenda items and papers)


def _tiny_pdf(title: str, large: bool = False) -> bytes:
    """A one-page PDF that says its title, so demo downloads open in any reader."""
    size = 28 if large else 14
    text = title.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 {size} Tf 56 780 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 5 0 R>>>>"
        b"/Contents 4 0 R>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out


def _preparation(website: Project, coordinator: User) -> None:
    """Agendas for the dated meetings, and papers: the upcoming meeting's draft has no large
    print version yet although Colin needs large print, and one paper for yesterday's meeting
    went out late."""
    from django.core.files.base import ContentFile
    from django.utils.text import slugify

    from meetings.models import AgendaItem, ItemPurpose, Paper, PaperFormat, PaperVersion

    people = {user.email: user for user in User.objects.filter(memberships__project=website)}
    meetings = {meeting.title: meeting for meeting in Meeting.objects.filter(project=website)}
    info, talk, decide, rest = (
        ItemPurpose.INFORMATION,
        ItemPurpose.DISCUSSION,
        ItemPurpose.DECISION,
        ItemPurpose.BREAK,
    )
    agendas = {
        "Planning the new website": [
            ("Welcome and ground rules", info, 10, "deborah@example.org"),
            ("Who the website is for", talk, 40, "amira@example.org"),
            ("Break", rest, 15, None),
            ("What the website must do", decide, 40, "grace@example.org"),
        ],
        "Crisis pages: first drafts": [
            ("Welcome", info, 5, "deborah@example.org"),
            ("Reading the drafts together", talk, 45, "priya@example.org"),
            ("Break", rest, 15, None),
            ("What to change before testing", decide, 40, "amira@example.org"),
        ],
        "Testing the crisis pages with users": [
            ("Welcome and ground rules", info, 10, "deborah@example.org"),
            ("How we find people to test with", talk, 45, "grace@example.org"),
            ("Break", rest, 15, None),
            ("Which pages to test first", decide, 40, "amira@example.org"),
            ("Paying people for their time", talk, 30, "tom@example.org"),
            ("Anything else", info, 10, None),
        ],
    }
    items: dict[tuple[str, str], AgendaItem] = {}
    for title, rows in agendas.items():
        meeting = meetings.get(title)
        if meeting is None:
            continue
        for position, (item_title, purpose, minutes, presenter) in enumerate(rows, start=1):
            items[title, item_title] = AgendaItem.objects.get_or_create(
                meeting=meeting,
                title=item_title,
                defaults={
                    "position": position,
                    "purpose": purpose,
                    "minutes": minutes,
                    "presenter": people.get(presenter) if presenter else None,
                },
            )[0]

    # (meeting, paper, agenda item, days before the meeting it went out, late, formats)
    papers = [
        (
            "Planning the new website",
            "What people told us about the old website",
            "Who the website is for",
            10,
            False,
            (PaperFormat.STANDARD, PaperFormat.EASY_READ, PaperFormat.LARGE_PRINT),
        ),
        (
            "Crisis pages: first drafts",
            "Crisis pages: first drafts",
            "Reading the drafts together",
            9,
            False,
            (PaperFormat.STANDARD, PaperFormat.LARGE_PRINT),
        ),
        (
            "Crisis pages: first drafts",
            "Changes suggested by the clinical team",
            "What to change before testing",
            2,
            True,
            (PaperFormat.STANDARD, PaperFormat.LARGE_PRINT),
        ),
        (
            "Testing the crisis pages with users",
            "How we will test the crisis pages",
            "How we find people to test with",
            12,
            False,
            (PaperFormat.STANDARD, PaperFormat.EASY_READ),
        ),
        (
            "Testing the crisis pages with users",
            "Payment for taking part in testing",
            "Paying people for their time",
            12,
            False,
            (PaperFormat.STANDARD, PaperFormat.LARGE_PRINT),
        ),
    ]
    for meeting_title, title, item_title, days_before, late, formats in papers:
        meeting = meetings.get(meeting_title)
        if meeting is None or meeting.starts_at is None:
            continue
        paper, created = Paper.objects.get_or_create(
            meeting=meeting,
            title=title,
            defaults={
                "agenda_item": items.get((meeting_title, item_title)),
                "added_by": coordinator,
                "published_at": meeting.starts_at - datetime.timedelta(days=days_before),
                "late": late,
            },
        )
        if not created:
            continue
        slug = slugify(title)
        for paper_format in formats:
            version = PaperVersion(
                paper=paper,
                format=paper_format,
                added_by=coordinator,
                added_at=paper.published_at,
            )
            large = paper_format == PaperFormat.LARGE_PRINT
            suffix = (
                "" if paper_format == PaperFormat.STANDARD else "-" + paper_format.replace("_", "-")
            )
            version.file.save(
                f"{slug}{suffix}.pdf", ContentFile(_tiny_pdf(title, large=large)), save=False
            )
            version.save()


# ---------------------------------------------------------------------------------------------
# Meetings: access plan (support booked, and a need that cannot be met)


def _access_plan(website: Project, coordinator: User) -> None:
    """Interpreters booked for the meetings already held; at the Old Library, a reason for the
    quiet room it does not have. Amira's interpreter and breaks there are left unmet."""
    from meetings.models import Arrangement, ArrangementKind, UnmetNeedReason
    from people.models import AccessNeedType

    for title in ("Planning the new website", "Crisis pages: first drafts"):
        meeting = Meeting.objects.filter(project=website, title=title).first()
        if meeting is not None:
            Arrangement.objects.get_or_create(
                meeting=meeting,
                kind=ArrangementKind.BSL_INTERPRETER,
                defaults={"detail": "Two interpreters from Riverside Signing", "confirmed": True},
            )
    upcoming = Meeting.objects.filter(
        project=website, title="Testing the crisis pages with users"
    ).first()
    quiet_room = AccessNeedType.objects.filter(code="quiet-room").first()
    if upcoming is not None and quiet_room is not None:
        UnmetNeedReason.objects.get_or_create(
            meeting=upcoming,
            need_type=quiet_room,
            defaults={
                "reason": "The Old Library has one room, and the rest of the floor is open to the "
                "public.",
                "offered_instead": "A seat near the door, breaks whenever needed, and the "
                "library's garden bench, a minute's walk away.",
                "recorded_by": coordinator,
            },
        )


# ---------------------------------------------------------------------------------------------
# Meetings: after (cooling-off thoughts and after-meeting checks)


def _after(website: Project, coordinator: User) -> None:
    """Three older held meetings, so the checks have a trend; answers to the check after each
    (five after "Planning the new website", a fuller review as the group's fourth meeting;
    only two so far after yesterday's, too few to show an average); and two further thoughts
    on yesterday's meeting, whose window is still open: Colin's answered, Amira's not."""
    from meetings.models import (
        AfterMeetingCheck,
        AgendaItem,
        CheckReceipt,
        InputKind,
        WrittenInput,
    )

    people = {user.email: user for user in User.objects.filter(memberships__project=website)}
    came: dict[str, tuple[str, str]] = dict.fromkeys(
        (
            "deborah@example.org",
            "amira@example.org",
            "colin@example.org",
            "priya@example.org",
            "kwame@example.org",
            "grace@example.org",
        ),
        (Reply.COMING.value, AttendanceWay.IN_PERSON.value),
    )
    for days, title in (
        (-105, "Getting started: who the website is for"),
        (-77, "How we work together"),
        (-49, "What people need from crisis information"),
    ):
        older = _meeting(
            website,
            title,
            coordinator,
            starts_at=_at(days, 14),
            ends_at=_at(days, 16),
            format=MeetingFormat.IN_PERSON,
            venue=Venue.objects.filter(name="Riverside Community Centre").first(),
            status=MeetingStatus.CLOSED,
            ready_at=_at(days - 10, 9),
            closed_at=_at(days, 16),
            cooling_off_ends_at=_at(days, 16) + datetime.timedelta(hours=48),
            cooling_off_closed_at=_at(days, 16) + datetime.timedelta(hours=48),
            created_at=_at(days - 20, 9),
        )
        _invite_everyone(older, came)

    # (co-producing, ground rules, work-plan, who answered, whether they gave their name).
    # Anonymous answers still leave a receipt, so nobody is asked twice.
    answers: dict[str, list[tuple[int, int, int, str, bool]]] = {
        "Getting started: who the website is for": [
            (2, 3, 2, "deborah@example.org", True),
            (3, 4, 3, "colin@example.org", True),
            (3, 4, 2, "amira@example.org", False),
            (3, 4, 3, "priya@example.org", True),
        ],
        "How we work together": [
            (3, 4, 3, "deborah@example.org", True),
            (3, 4, 3, "kwame@example.org", False),
            (4, 4, 3, "colin@example.org", True),
            (3, 4, 3, "grace@example.org", True),
        ],
        "What people need from crisis information": [
            (4, 4, 3, "amira@example.org", False),
            (4, 5, 3, "colin@example.org", True),
            (3, 4, 4, "priya@example.org", True),
        ],
        "Planning the new website": [
            (4, 5, 4, "deborah@example.org", True),
            (4, 4, 3, "amira@example.org", False),
            (5, 5, 4, "colin@example.org", True),
            (4, 4, 4, "priya@example.org", False),
            (4, 5, 4, "kwame@example.org", True),
        ],
        "Crisis pages: first drafts": [
            (4, 4, 4, "colin@example.org", True),
            (5, 4, 3, "grace@example.org", False),
        ],
    }
    texts = {
        "went_well": "Everyone had a turn to speak, and the easy read papers helped.",
        "not_working": "The room was too warm and we ran over time.",
        "learnt": "People want the crisis number on every page.",
        "could_help": "A longer break in the middle.",
        "worried": "",
    }
    meetings = {meeting.title: meeting for meeting in Meeting.objects.filter(project=website)}
    held = sorted(
        (m for m in meetings.values() if m.status == MeetingStatus.CLOSED and m.closed_at),
        key=lambda m: (m.closed_at, m.pk),
    )
    for number, meeting in enumerate(held, start=1):
        rows = answers.get(meeting.title)
        if not rows or meeting.checks.exists():
            continue
        full_review = number % website.full_review_every == 0
        for co_producing, ground_rules, work_plan, email, named in rows:
            person = people.get(email)
            if person is None:
                continue
            CheckReceipt.objects.get_or_create(meeting=meeting, user=person)
            AfterMeetingCheck.objects.create(
                meeting=meeting,
                respondent=person if named else None,
                is_full_review=full_review,
                co_producing=co_producing,
                ground_rules=ground_rules,
                work_plan=work_plan,
                submitted_on=timezone.localdate(meeting.closed_at),
                **(texts if full_review else {}),
            )

    yesterday = meetings.get("Crisis pages: first drafts")
    if yesterday is None:
        return
    items = {item.title: item for item in AgendaItem.objects.filter(meeting=yesterday)}
    thoughts = [
        (
            "colin@example.org",
            "What to change before testing",
            "The phone number should come first on the page, before any words. When I was "
            "looking for it for my son I could not find it.",
            "Thank you, Colin. We agree: the designers are moving the number to the top of "
            "every crisis page before testing.",
        ),
        (
            "amira@example.org",
            "Reading the drafts together",
            "I did not get the chance to say this: “service user” in the first paragraph "
            "feels cold. Could it say “people who use our services”?",
            "",
        ),
    ]
    deborah = people.get("deborah@example.org")
    for email, item_title, text, response in thoughts:
        author = people.get(email)
        if author is None:
            continue
        sent_at = (yesterday.closed_at or timezone.now()) + datetime.timedelta(hours=3)
        WrittenInput.objects.get_or_create(
            meeting=yesterday,
            author=author,
            kind=InputKind.COOLING_OFF,
            defaults={
                "agenda_item": items.get(item_title),
                "text": text,
                "sent_at": sent_at,
                "considered_at": sent_at + datetime.timedelta(hours=2) if response else None,
                "considered_by": deborah if response else None,
                "response": response,
            },
        )


# ---------------------------------------------------------------------------------------------
# Meetings: record (attendance, minutes, decisions, action points, contributions)


def _record(website: Project) -> None:
    """The record of the two held meetings. Everyone came but Tom, who wrote in instead.

    "Planning the new website" has two versions of its minutes; "Crisis pages: first drafts",
    held yesterday, has one, and its decision is still provisional. Colin came to both but no
    contribution of his was recorded at either, so he shows among the members the group has
    not heard from lately.
    """
    from meetings.models import (
        ActionPoint,
        ActionStatus,
        AgendaItem,
        Contribution,
        ContributionWay,
        Decision,
        ItemMinutes,
        MinutesVersion,
    )

    people = {user.email: user for user in User.objects.filter(memberships__project=website)}
    kwame, deborah = people.get("kwame@example.org"), people.get("deborah@example.org")
    # (meeting, {item: minutes}, summary, decision, action point)
    records = {
        "Planning the new website": {
            "Welcome and ground rules": "Deborah welcomed everyone. We read the ground rules "
            "together and agreed to keep them.",
            "Who the website is for": "People who use mental health services, their carers "
            "and families, and staff who point people to help. Amira said many people find "
            "the site on a phone while they are struggling, so it must be quick and calm.",
            "What the website must do": "Help people find support fast, in plain words, and "
            "work well on a phone. We agreed the crisis pages come first.",
        },
        "Crisis pages: first drafts": {
            "Welcome": "Deborah welcomed everyone.",
            "Reading the drafts together": "We read the drafts aloud. Amira and Kwame said the "
            "helpline number should be the first thing on the page. Tom's written comments "
            "asked for the opening hours next to each number.",
            "What to change before testing": "Put the helpline numbers first, with opening "
            "hours, and cut the introduction to two sentences.",
        },
    }
    decisions = {
        "Planning the new website": (
            "What the website must do",
            "The crisis pages are the first part of the new website we build and test.",
        ),
        "Crisis pages: first drafts": (
            "What to change before testing",
            "Put the helpline numbers and their opening hours at the top of every crisis page.",
        ),
    }
    actions = {
        "Planning the new website": (
            "What the website must do",
            "Write a plain-English list of what the website must do and share it with the group.",
            "grace@example.org",
            -14,
            True,
        ),
        "Crisis pages: first drafts": (
            "What to change before testing",
            "Change the crisis page drafts as agreed and send them round before the testing "
            "meeting.",
            "priya@example.org",
            7,
            False,
        ),
    }
    # Who contributed to each item, and how; Colin is on purpose nowhere in here.
    spoke = {
        "deborah@example.org": ContributionWay.IN_ROOM,
        "amira@example.org": ContributionWay.IN_ROOM,
        "priya@example.org": ContributionWay.IN_ROOM,
        "kwame@example.org": ContributionWay.IN_ROOM,
        "grace@example.org": ContributionWay.REMOTE,
        "tom@example.org": ContributionWay.WRITTEN,
    }
    for title, notes in records.items():
        meeting = Meeting.objects.filter(project=website, title=title).first()
        if meeting is None or meeting.minutes_versions.exists():
            continue
        invitees = {
            invitee.user.email: invitee for invitee in meeting.invitees.select_related("user")
        }
        # Tom wrote in instead of coming; Grace joined by video; the rest were in the room.
        took_part = {
            "tom@example.org": AttendanceWay.WRITTEN,
            "grace@example.org": AttendanceWay.VIDEO,
        }
        for email, invitee in invitees.items():
            invitee.attended = email != "tom@example.org"
            invitee.attended_way = took_part.get(email, AttendanceWay.IN_PERSON)
        Invitee.objects.bulk_update(invitees.values(), ["attended", "attended_way"])
        items = {item.title: item for item in AgendaItem.objects.filter(meeting=meeting)}
        assert meeting.ends_at is not None
        first = MinutesVersion.objects.create(
            meeting=meeting,
            number=1,
            saved_by=kwame,
            saved_at=meeting.ends_at + datetime.timedelta(hours=3),
            summary="A first draft of the minutes.",
        )
        ItemMinutes.objects.bulk_create(
            ItemMinutes(version=first, agenda_item=items[name], notes=text.split(". ")[0] + ".")
            for name, text in notes.items()
            if name in items
        )
        if title == "Planning the new website":
            second = MinutesVersion.objects.create(
                meeting=meeting,
                number=2,
                saved_by=deborah,
                saved_at=meeting.ends_at + datetime.timedelta(days=1),
                summary="A good first meeting: we know who the website is for and where to start.",
                change_note="Added what Amira said about phones, and the decision.",
            )
            ItemMinutes.objects.bulk_create(
                ItemMinutes(version=second, agenda_item=items[name], notes=text)
                for name, text in notes.items()
                if name in items
            )
        item_title, text = decisions[title]
        Decision.objects.create(
            meeting=meeting,
            agenda_item=items.get(item_title),
            text=text,
            recorded_by=kwame,
            recorded_at=meeting.ends_at,
        )
        item_title, text, owner, due_days, done = actions[title]
        ActionPoint.objects.create(
            meeting=meeting,
            agenda_item=items.get(item_title),
            text=text,
            owner=people.get(owner),
            due_on=timezone.localdate() + datetime.timedelta(days=due_days),
            done_at=timezone.now() - datetime.timedelta(days=2) if done else None,
            status=ActionStatus.DONE if done else ActionStatus.IN_PROGRESS,
            recorded_at=meeting.ends_at,
        )
        contributions = []
        for position, item in enumerate(items.values()):
            if item.is_break:
                continue
            for n, (email, way) in enumerate(spoke.items()):
                speaker = invitees.get(email)
                # Not everyone speaks to every item: a pattern that varies, like a real meeting.
                if speaker is None or ((position + n) % 3 == 0 and email != "tom@example.org"):
                    continue
                contributions += [
                    Contribution(
                        meeting=meeting,
                        agenda_item=item,
                        user=speaker.user,
                        member_type=speaker.member_type,
                        way=way,
                        recorded_by=kwame,
                        recorded_at=meeting.ends_at,
                    )
                    for _each in range(1 + (position + n) % 2)
                ]
        Contribution.objects.bulk_create(contributions)


# ---------------------------------------------------------------------------------------------
# Meetings: planning (answers to the date poll)


def _planning(website: Project) -> None:
    """Answers to the spring planning day's poll: the second date suits most people."""
    from meetings.models import Availability, DateAnswer

    spring = Meeting.objects.filter(project=website, title="Spring planning day").first()
    if spring is None or spring.starts_at is not None:
        return
    options = list(spring.date_options.order_by("starts_at"))
    if len(options) < 3:
        return
    yes, maybe, no = Availability.YES, Availability.IF_NEED_BE, Availability.NO
    answers = {
        "deborah@example.org": (yes, yes, no),
        "amira@example.org": (no, yes, maybe),
        "colin@example.org": (maybe, yes, yes),
        "priya@example.org": (yes, maybe, no),
    }
    people = {user.email: user for user in User.objects.filter(email__in=answers)}
    for email, replies in answers.items():
        if email not in people:
            continue
        for option, answer in zip(options, replies, strict=False):
            DateAnswer.objects.get_or_create(
                option=option, user=people[email], defaults={"answer": answer}
            )
