"""Equal-voice figures: who contributes, by person and by member type, and who is not heard."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from conftest import Cast
from meetings.models import Contribution, ContributionWay, Invitee, Meeting
from meetings.services import record
from meetings.tests.grid_record import first_item, held_meeting
from people.models import MemberType


def came(meeting: Meeting, *people: User) -> None:
    Invitee.objects.filter(meeting=meeting).update(attended=False)
    Invitee.objects.filter(meeting=meeting, user__in=people).update(attended=True)


def contribute(meeting: Meeting, user: User, n: int = 1, way: str = "in_room") -> None:
    invitee = Invitee.objects.get(meeting=meeting, user=user)
    item = first_item(meeting)
    Contribution.objects.bulk_create(
        Contribution(
            meeting=meeting,
            agenda_item=item,
            user=invitee.user,
            member_type=invitee.member_type,
            way=way,
        )
        for _ in range(n)
    )


def test_it_counts_contributions_per_person_and_member_type(cast: Cast) -> None:
    meeting = held_meeting(cast)
    came(meeting, cast.chair, cast.member, cast.carer, cast.clinician)
    contribute(meeting, cast.chair, 2)
    contribute(meeting, cast.member, 1, ContributionWay.WRITTEN)
    contribute(meeting, cast.clinician, 3, ContributionWay.REMOTE)
    # Tom sent apologies but wrote in: his written contribution counts.
    contribute(meeting, cast.commissioner, 1, ContributionWay.WRITTEN)
    voice = record.meeting_voice(meeting)
    assert voice.total == 7
    by_name = {row.label: row for row in voice.members}
    assert by_name["Dr Priya Natarajan"].count == 3
    assert by_name["Dr Priya Natarajan"].ways == {ContributionWay.REMOTE: 3}
    # Colin came and said nothing that was recorded: he shows, with 0.
    assert by_name["Colin Price"].count == 0
    assert by_name["Tom Gallagher"].count == 1
    assert "Olu Adeyemi" not in by_name
    types = {row.member_type: row for row in voice.types}
    assert types[MemberType.LIVED_EXPERIENCE].count == 3
    assert types[MemberType.LIVED_EXPERIENCE].people == 2
    assert types[MemberType.PROFESSIONAL].share == 43


def test_it_names_members_not_heard_from_in_their_last_two_meetings(cast: Cast) -> None:
    older = held_meeting(cast, title="First", days_ago=30)
    newer = held_meeting(cast, title="Second", days_ago=2)
    for meeting in (older, newer):
        came(meeting, cast.chair, cast.member, cast.carer, cast.clinician)
        contribute(meeting, cast.chair)
    contribute(older, cast.member)  # Amira spoke at the first meeting only
    contribute(newer, cast.clinician)  # Priya at the second only
    upcoming = held_meeting(cast, title="Next week", days_ago=-7, closed=False)
    contribute(upcoming, cast.carer)  # not held yet, so it does not count
    figures = record.project_voice(cast.website)
    quiet = [member.user for member in figures.quiet]
    assert cast.carer in quiet  # Colin: nothing at either meeting
    assert cast.commissioner in quiet  # Tom: invited to both, came to neither
    assert cast.member not in quiet
    assert cast.clinician not in quiet
    assert cast.chair not in quiet
    colin = next(member for member in figures.quiet if member.user == cast.carer)
    assert [meeting.title for meeting, _came in colin.meetings] == ["Second", "First"]
    assert [meeting.title for meeting in figures.meetings] == ["Second", "First"]


def test_it_needs_two_meetings_before_calling_someone_not_heard_from(cast: Cast) -> None:
    meeting = held_meeting(cast)
    came(meeting, cast.carer)
    assert record.project_voice(cast.website).quiet == []


def test_it_leaves_out_people_who_have_left_the_group(cast: Cast) -> None:
    from django.utils import timezone

    held_meeting(cast, title="First", days_ago=30)
    held_meeting(cast, title="Second", days_ago=2)
    membership = cast.membership(cast.carer)
    membership.left_at = timezone.now()
    membership.save()
    assert cast.carer not in [member.user for member in record.project_voice(cast.website).quiet]


def test_it_works_the_figures_out_in_a_fixed_number_of_queries(cast: Cast) -> None:
    first = held_meeting(cast, title="First", days_ago=30)
    second = held_meeting(cast, title="Second", days_ago=2)
    came(second, cast.chair, cast.member)
    contribute(second, cast.chair, 2)
    with CaptureQueriesContext(connection) as few:
        record.meeting_voice(second)
        record.project_voice(cast.website)
    for meeting in (first, second):
        came(meeting, cast.chair, cast.member, cast.carer, cast.clinician, cast.commissioner)
        for person in (cast.chair, cast.member, cast.clinician, cast.commissioner):
            contribute(meeting, person, 31, ContributionWay.IN_ROOM)
            contribute(meeting, person, 7, ContributionWay.WRITTEN)
    assert Contribution.objects.count() >= 300
    with CaptureQueriesContext(connection) as many:
        record.meeting_voice(second)
        figures = record.project_voice(cast.website)
    assert len(many) == len(few)
    assert figures.voice.total == 306


# ---------------------------------------------------------------------------------------------
# Pages


def test_it_shows_every_member_the_figures_kindly(cast: Cast) -> None:
    from django.urls import reverse

    from conftest import client_for

    older = held_meeting(cast, title="First", days_ago=30)
    newer = held_meeting(cast, title="Second", days_ago=2)
    for meeting in (older, newer):
        came(meeting, cast.chair, cast.member, cast.carer)
        contribute(meeting, cast.chair, 3)
        contribute(meeting, cast.member, 1, ContributionWay.WRITTEN)
    amira = client_for(cast.member)
    page = amira.get(reverse("meetings:equal_voice", kwargs={"pk": newer.pk}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<meter" in text
    assert "Colin Price" in text
    assert "Lived experience" in text
    project_page = amira.get(
        reverse("meetings:project_equal_voice", kwargs={"project_pk": cast.website.pk})
    )
    assert project_page.status_code == 200
    text = project_page.content.decode()
    assert "Members we have not heard from lately" in text
    not_heard = text.split('id="not-heard"')[1].split("</ul>")[0]
    assert "Colin Price" in not_heard
    assert "Amira Haddad" not in not_heard
    assert (
        client_for(cast.outsider)
        .get(reverse("meetings:project_equal_voice", kwargs={"project_pk": cast.website.pk}))
        .status_code
        == 404
    )


def test_it_renders_the_record_pages_in_a_fixed_number_of_queries(cast: Cast) -> None:
    from django.urls import reverse

    from conftest import client_for
    from meetings.models import ActionPoint, AgendaItem, Decision

    meeting = held_meeting(cast, items=3)
    other = held_meeting(cast, title="Before", days_ago=20)
    client = client_for(cast.chair)
    pages = [
        reverse("meetings:record", kwargs={"pk": meeting.pk}),
        reverse("meetings:equal_voice", kwargs={"pk": meeting.pk}),
        reverse("meetings:contributions", kwargs={"pk": meeting.pk}),
        reverse(
            "meetings:contributions_item",
            kwargs={"pk": meeting.pk, "item_pk": first_item(meeting).pk},
        ),
        reverse("meetings:minutes_edit", kwargs={"pk": meeting.pk}),
        reverse("meetings:attendance", kwargs={"pk": meeting.pk}),
        reverse("meetings:project_equal_voice", kwargs={"project_pk": cast.website.pk}),
    ]

    def counts() -> list[int]:
        found = []
        for page in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(page).status_code == 200, page
            found.append(len(queries))
        return found

    # One version of the minutes from the start: showing any costs one query for its notes.
    record.minutes_save(
        meeting=meeting, actor=cast.chair, based_on=0, summary="", change_note="", notes={}
    )
    few = counts()
    for meeting_ in (meeting, other):
        came(meeting_, cast.chair, cast.member, cast.carer, cast.clinician, cast.commissioner)
        for person in (cast.chair, cast.member, cast.clinician, cast.commissioner):
            contribute(meeting_, person, 31, ContributionWay.IN_ROOM)
            contribute(meeting_, person, 7, ContributionWay.WRITTEN)
    items = list(AgendaItem.objects.filter(meeting=meeting))
    for item in items:
        for n in range(5):
            Decision.objects.create(meeting=meeting, agenda_item=item, text=f"Decision {n}")
            ActionPoint.objects.create(
                meeting=meeting, agenda_item=item, text=f"Action {n}", owner=cast.member
            )
    for n in range(2, 5):
        record.minutes_save(
            meeting=meeting,
            actor=cast.chair,
            based_on=n - 1,
            summary="",
            change_note="",
            notes={item.pk: f"Notes {n}" for item in items},
        )
    assert Contribution.objects.count() >= 300
    assert counts() == few
    assert max(few) <= 15


def test_it_shows_colin_as_not_heard_from_in_the_demo(db: None) -> None:
    import io

    from django.core.management import call_command

    from meetings.models import MinutesVersion
    from projects.models import Project

    call_command("demo", force=True, stdout=io.StringIO())
    website = Project.objects.get(meetings__title="Planning the new website")
    figures = record.project_voice(website)
    assert "Colin Price" in [member.user.full_name for member in figures.quiet]
    assert "Amira Haddad" not in [member.user.full_name for member in figures.quiet]
    held = Meeting.objects.get(title="Planning the new website")
    assert MinutesVersion.objects.filter(meeting=held).count() == 2
    assert record.meeting_voice(held).total > 0
