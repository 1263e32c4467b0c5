"""The agenda: items with times, purposes, presenters and breaks; its length against the
meeting's; breaks as often as the people invited need them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from conftest import Cast, client_for
from meetings import timing
from meetings.models import AgendaItem, InputKind, ItemPurpose, Meeting, WrittenInput
from meetings.services import agenda as services
from meetings.tests.preparation import a_meeting, a_paper, an_item, invite, media  # noqa: F401
from people.models import AccessNeed, AccessNeedType
from projects.models import GroundRulesDraft
from projects.services.rules import ground_rules_adopt

# Papers uploaded in these tests go to a temporary folder.
pytestmark = pytest.mark.usefixtures("media")


def needs_breaks_every(user: User, minutes: str) -> None:
    AccessNeed.objects.create(
        user=user, need_type=AccessNeedType.objects.get(code="regular-breaks"), detail=minutes
    )


def test_it_shows_each_items_start_time_number_and_the_total(cast: Cast) -> None:
    meeting = a_meeting(cast)  # 10:00 to 12:00
    an_item(meeting, "Welcome and introductions", 15, ItemPurpose.INFORMATION, cast.chair)
    an_item(meeting, "The draft crisis pages", 45, ItemPurpose.DISCUSSION, cast.member)
    an_item(meeting, "Tea break", 15, ItemPurpose.BREAK)
    an_item(meeting, "Which draft goes to testing", 30, ItemPurpose.DECISION)

    response = client_for(cast.carer).get(reverse("meetings:agenda", args=[meeting.pk]))

    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "10:00 1. Welcome and introductions" in page
    assert "10:15 2. The draft crisis pages" in page
    assert "11:00 Tea break" in page
    assert "11:15 3. Which draft goes to testing" in page
    assert "The agenda takes 1 hour 45 minutes. The meeting is 2 hours long." in page
    assert 'Presented by</dt> <dd class="govuk-summary-list__value">Amira Haddad' in page
    assert "For decision" in page
    # Colin is a member, not an organiser: he sees the agenda but cannot change it.
    assert "Add an item" not in page
    assert "Move up" not in page


def test_it_adds_an_item_at_the_end_with_any_member_presenting(cast: Cast) -> None:
    meeting = a_meeting(cast)
    an_item(meeting, "Welcome", 10)
    url = reverse("meetings:agenda_item_add", args=[meeting.pk])
    chair = client_for(cast.chair)

    page = chair.get(url).content.decode()
    assert "Tom Gallagher" in page
    assert "Olu Adeyemi" not in page

    response = chair.post(
        url,
        {
            "title": "The draft crisis pages",
            "purpose": "discussion",
            "minutes": "40",
            "presenter": cast.commissioner.pk,
            "description": "Read the drafts first.",
        },
    )

    assert response.status_code == 302
    item = AgendaItem.objects.get(title="The draft crisis pages")
    assert response["Location"].endswith(f"#item-{item.pk}")
    assert (item.position, item.minutes, item.presenter) == (2, 40, cast.commissioner)
    assert AuditEvent.objects.filter(action="agenda.item_added").exists()


def test_it_refuses_someone_outside_the_group_as_presenter(cast: Cast) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.chair).post(
        reverse("meetings:agenda_item_add", args=[meeting.pk]),
        {
            "title": "Welcome",
            "purpose": "information",
            "minutes": "10",
            "presenter": cast.outsider.pk,
        },
    )
    assert response.status_code == 400
    assert not AgendaItem.objects.exists()


def test_it_says_what_to_fix_and_keeps_what_was_typed(cast: Cast) -> None:
    meeting = a_meeting(cast)
    response = client_for(cast.chair).post(
        reverse("meetings:agenda_item_add", args=[meeting.pk]),
        {"title": "", "purpose": "", "minutes": "twenty", "description": "Bring the drafts"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a title for the item" in page
    assert "Choose what the item is for" in page
    assert "Enter how long the item takes as a number of minutes, like 20" in page
    assert "Bring the drafts" in page
    assert 'value="twenty"' in page


def test_it_refuses_an_agenda_longer_than_the_meeting(cast: Cast) -> None:
    meeting = a_meeting(cast, hours=2)
    an_item(meeting, "The draft crisis pages", 90)

    response = client_for(cast.chair).post(
        reverse("meetings:agenda_item_add", args=[meeting.pk]),
        {"title": "Testing plan", "purpose": "decision", "minutes": "60"},
    )

    assert response.status_code == 400
    assert (
        "The agenda would last 2 hours 30 minutes but the meeting is 2 hours."
        in response.content.decode()
    )
    assert meeting.agenda_items.count() == 1


def test_it_counts_a_changed_item_only_once_against_the_meetings_length(cast: Cast) -> None:
    meeting = a_meeting(cast, hours=2)
    item = an_item(meeting, "The draft crisis pages", 90)
    url = reverse("meetings:agenda_item_edit", args=[meeting.pk, item.pk])
    chair = client_for(cast.chair)

    ok = chair.post(
        url,
        {
            "title": "The draft crisis pages",
            "purpose": "discussion",
            "minutes": "120",
            "version": 1,
        },
    )
    too_long = chair.post(
        url, {"title": "Drafts", "purpose": "discussion", "minutes": "121", "version": 2}
    )

    assert ok.status_code == 302
    assert too_long.status_code == 400
    item.refresh_from_db()
    assert (item.title, item.minutes) == ("The draft crisis pages", 120)
    event = AuditEvent.objects.get(action="agenda.item_updated")
    assert event.data == {"changed": ["minutes"]}


def test_it_words_durations_plainly() -> None:
    assert timing.duration_words(150) == "2 hours 30 minutes"
    assert timing.duration_words(60) == "1 hour"
    assert timing.duration_words(1) == "1 minute"
    assert timing.duration_words(0) == "0 minutes"


def test_it_warns_when_breaks_are_further_apart_than_someone_invited_needs(cast: Cast) -> None:
    meeting = a_meeting(cast, hours=3)
    an_item(meeting, "Welcome", 15)
    an_item(meeting, "The draft crisis pages", 60)
    an_item(meeting, "Break", 15, ItemPurpose.BREAK)
    an_item(meeting, "Testing plan", 45)
    invite(meeting, cast.member, cast.carer)
    needs_breaks_every(cast.member, "60")
    needs_breaks_every(cast.clinician, "30")  # Not invited: does not count.
    url = reverse("meetings:agenda", args=[meeting.pk])

    page = " ".join(client_for(cast.chair).get(url).content.decode().split())

    assert (
        "Someone invited needs a break at least every 1 hour, but from 10:00 the agenda goes "
        "1 hour 15 minutes without one." in page
    )
    assert "Amira" not in page.split("Someone invited")[1].split("</strong>")[0]
    # Members do not see the warning, which is for the people who plan the meeting.
    assert "Someone invited needs a break" not in client_for(cast.carer).get(url).content.decode()

    items = list(meeting.agenda_items.all())
    assert services.agenda_break_warning(meeting, items, 75) is None

    # Saving an item tells the organiser straight away.
    response = client_for(cast.chair).post(
        reverse("meetings:agenda_item_add", args=[meeting.pk]),
        {"title": "Close", "purpose": "information", "minutes": "10"},
        follow=True,
    )
    assert "Someone invited needs a break at least every 1 hour" in response.content.decode()


def test_it_counts_current_members_for_breaks_before_anyone_is_invited(cast: Cast) -> None:
    meeting = a_meeting(cast)
    needs_breaks_every(cast.member, "45")
    needs_breaks_every(cast.carer, "not a number")
    assert services.break_interval_needed(meeting) == 45
    invite(meeting, cast.carer)
    assert services.break_interval_needed(meeting) is None


def test_it_moves_items_up_and_down(cast: Cast) -> None:
    meeting = a_meeting(cast)
    first = an_item(meeting, "Welcome", 10)
    second = an_item(meeting, "Drafts", 40)
    third = an_item(meeting, "Close", 5)
    chair = client_for(cast.chair)

    response = chair.post(
        reverse("meetings:agenda_item_move", args=[meeting.pk, third.pk]), {"direction": "up"}
    )
    assert response["Location"].endswith(f"#item-{third.pk}")
    chair.post(
        reverse("meetings:agenda_item_move", args=[meeting.pk, first.pk]), {"direction": "up"}
    )
    chair.post(
        reverse("meetings:agenda_item_move", args=[meeting.pk, first.pk]), {"direction": "down"}
    )

    # Close went up, Welcome could go no higher, then went down below Close.
    assert list(meeting.agenda_items.values_list("pk", flat=True)) == [
        third.pk,
        first.pk,
        second.pk,
    ]
    assert list(meeting.agenda_items.values_list("position", flat=True)) == [1, 2, 3]
    assert (
        client_for(cast.member)
        .post(
            reverse("meetings:agenda_item_move", args=[meeting.pk, first.pk]), {"direction": "up"}
        )
        .status_code
        == 403
    )


def test_it_asks_before_removing_an_item_and_warns_about_written_thoughts(cast: Cast) -> None:
    meeting = a_meeting(cast)
    item = an_item(meeting, "Drafts", 40)
    a_paper(meeting, item=item)
    WrittenInput.objects.create(
        meeting=meeting,
        agenda_item=item,
        author=cast.commissioner,
        kind=InputKind.ADVANCE,
        text="Hi",
    )
    url = reverse("meetings:agenda_item_remove", args=[meeting.pk, item.pk])
    chair = client_for(cast.chair)

    page = " ".join(chair.get(url).content.decode().split())
    assert "Remove “Drafts” from the agenda?" in page
    assert "1 paper is for this item. It stays with the meeting" in page
    assert "1 person has sent written thoughts on this item." in page
    assert AgendaItem.objects.filter(pk=item.pk).exists()

    response = chair.post(url)

    assert response.status_code == 302
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert meeting.papers.count() == 1
    assert not WrittenInput.objects.exists()
    assert AuditEvent.objects.filter(action="agenda.item_removed").exists()


def test_it_keeps_items_of_other_meetings_out_of_reach(cast: Cast) -> None:
    meeting = a_meeting(cast)
    other = a_meeting(cast, title="Another meeting")
    item = an_item(other, "Theirs", 10)
    url = reverse("meetings:agenda_item_edit", args=[meeting.pk, item.pk])
    assert client_for(cast.chair).get(url).status_code == 404


def test_it_shows_the_agenda_in_a_constant_number_of_queries(cast: Cast) -> None:
    meeting = a_meeting(cast, hours=8)
    invite(meeting, cast.member, cast.commissioner)
    url = reverse("meetings:agenda", args=[meeting.pk])
    chair = client_for(cast.chair)

    def add_items(count: int) -> None:
        for number in range(count):
            item = an_item(meeting, f"Item {number}", 5, presenter=cast.member)
            a_paper(meeting, f"Paper {number}", item=item)
            WrittenInput.objects.create(
                meeting=meeting,
                agenda_item=item,
                author=cast.commissioner,
                kind=InputKind.ADVANCE,
                text="Thoughts",
                sent_at=timezone.now(),
            )

    add_items(2)
    chair.get(url)
    with CaptureQueriesContext(connection) as few:
        assert chair.get(url).status_code == 200
    add_items(20)
    with CaptureQueriesContext(connection) as drawing:
        chair.get(url)
    with CaptureQueriesContext(connection) as many:
        chair.get(url)

    assert len(many.captured_queries) == len(few.captured_queries)
    # The 20 new items are drawn and kept in one statement, however many there are
    # (asked for from the shared cache first; rows the process remembers need no question).
    assert len(drawing.captured_queries) <= len(few.captured_queries) + 5
    assert len(few.captured_queries) <= 15


def test_it_links_the_rules_from_meeting_pages_and_can_show_them_on_the_agenda(
    cast: Cast,
) -> None:
    GroundRulesDraft.objects.create(
        project=cast.website, text="Listen to each other\nOne person speaks at a time"
    )
    ground_rules_adopt(
        project=cast.website, actor=cast.chair, change_note="First", discussed="at_meeting"
    )
    meeting = Meeting.objects.create(project=cast.website, title="Planning")
    agenda = reverse("meetings:agenda", kwargs={"pk": meeting.pk})
    html = client_for(cast.member).get(agenda).content.decode()
    assert reverse("projects:ground_rules", kwargs={"pk": cast.website.pk}) in html
    assert "One person speaks at a time" not in html
    Meeting.objects.filter(pk=meeting.pk).update(agenda_shows_ground_rules=True)
    html = client_for(cast.member).get(agenda).content.decode()
    assert "One person speaks at a time" in html
