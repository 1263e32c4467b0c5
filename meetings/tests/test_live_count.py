"""How each person took part, on the register, and contributions counted live as people speak:
a button per person present, with and without JavaScript, and what it refuses."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, User
from conftest import Cast, at_the_same_moment, client_for
from meetings import personal_data
from meetings.models import (
    AgendaItem,
    AttendanceWay,
    Contribution,
    ContributionWay,
    Invitee,
    ItemPurpose,
    Meeting,
)
from meetings.services import record
from meetings.tests.grid_record import first_item, held_meeting


def invitee(meeting: Meeting, user: User) -> Invitee:
    return Invitee.objects.select_related("user").get(meeting=meeting, user=user)


def register(meeting: Meeting, **ways: str) -> None:
    """Mark people as here, each with how they took part: `register(m, amira="video")`."""
    for persona, way in ways.items():
        Invitee.objects.filter(meeting=meeting, user__email=f"{persona}@example.org").update(
            attended=way != AttendanceWay.WRITTEN, attended_way=way
        )


def live_url(meeting: Meeting, item: AgendaItem | None = None) -> str:
    item = item or first_item(meeting)
    return reverse("meetings:contributions_live", args=[meeting.pk, item.pk])


def count_url(meeting: Meeting, item: AgendaItem | None = None) -> str:
    item = item or first_item(meeting)
    return reverse("meetings:contribution_count", args=[meeting.pk, item.pk])


def counted(meeting: Meeting, user: User) -> int:
    return Contribution.objects.filter(agenda_item=first_item(meeting), user=user).count()


# ---------------------------------------------------------------------------------------------
# The register: how each person took part


def test_it_records_how_each_person_took_part(cast: Cast) -> None:
    meeting = held_meeting(cast)
    people = {
        user: invitee(meeting, user)
        for user in (cast.chair, cast.member, cast.carer, cast.clinician, cast.commissioner)
    }
    deborah = client_for(cast.chair)
    response = deborah.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {
            f"invitee_{people[cast.chair].pk}": "in_person",
            f"invitee_{people[cast.member].pk}": "video",
            f"invitee_{people[cast.carer].pk}": "phone",
            f"invitee_{people[cast.clinician].pk}": "written",
            f"invitee_{people[cast.commissioner].pk}": "no",
        },
    )
    assert response.status_code == 302
    assert {
        row.user_id: (row.attended, row.attended_way)
        for row in Invitee.objects.filter(meeting=meeting, user__in=list(people))
    } == {
        cast.chair.pk: (True, "in_person"),
        cast.member.pk: (True, "video"),
        cast.carer.pk: (True, "phone"),
        cast.clinician.pk: (False, "written"),
        cast.commissioner.pk: (False, ""),
    }
    page = deborah.get(reverse("meetings:record", args=[meeting.pk])).content.decode()
    assert "Amira Haddad (by video call)" in page
    assert "Colin Price (by phone)" in page
    assert "Took part in writing" in page
    # The register shows the answers it was given when it opens again.
    form = deborah.get(reverse("meetings:attendance", args=[meeting.pk])).content.decode()
    (radio,) = re.findall(
        rf'<input[^>]*name="invitee_{people[cast.member].pk}"[^>]*checked[^>]*>', form
    )
    assert 'value="video"' in radio


def test_it_refuses_a_way_of_taking_part_that_does_not_fit(cast: Cast) -> None:
    meeting = held_meeting(cast)
    amira = invitee(meeting, cast.member)
    with pytest.raises(record.RecordError, match="How Amira Haddad took part does not match"):
        record.attendance_save(
            meeting=meeting, actor=cast.chair, attended={amira.pk: True}, ways={amira.pk: "written"}
        )
    amira.refresh_from_db()
    assert (amira.attended, amira.attended_way) == (None, "")


def test_it_keeps_the_way_while_it_fits_when_only_who_came_is_given(cast: Cast) -> None:
    meeting = held_meeting(cast)
    amira = invitee(meeting, cast.member)
    record.attendance_save(
        meeting=meeting, actor=cast.chair, attended={amira.pk: True}, ways={amira.pk: "video"}
    )
    record.attendance_save(meeting=meeting, actor=cast.chair, attended={amira.pk: True})
    amira.refresh_from_db()
    assert amira.attended_way == "video"
    # Did not come after all: "by video call" no longer fits, so it goes.
    record.attendance_save(meeting=meeting, actor=cast.chair, attended={amira.pk: False})
    amira.refresh_from_db()
    assert (amira.attended, amira.attended_way) == (False, "")


def test_it_refuses_an_answer_that_is_not_on_the_register(cast: Cast) -> None:
    meeting = held_meeting(cast)
    amira = invitee(meeting, cast.member)
    response = client_for(cast.chair).post(
        reverse("meetings:attendance", args=[meeting.pk]), {f"invitee_{amira.pk}": "maybe"}
    )
    assert response.status_code == 400
    assert "Choose how Amira Haddad took part, or that they did not" in response.content.decode()
    amira.refresh_from_db()
    assert amira.attended is None


def test_it_puts_how_they_took_part_in_their_data_export(cast: Cast) -> None:
    meeting = held_meeting(cast)
    register(meeting, amira=AttendanceWay.PHONE)
    section = next(s for s in personal_data.export(cast.member) if s.key == "meeting_replies")
    assert [(row["attended"], row["attended_way"]) for row in section.rows] == [(True, "By phone")]
    assert ("attended_way", "How you took part") in [(k, str(v)) for k, v in section.columns]


# ---------------------------------------------------------------------------------------------
# Counting live


def test_it_counts_a_contribution_without_javascript_and_comes_back_to_the_row(
    cast: Cast,
) -> None:
    meeting = held_meeting(cast, closed=False)
    register(meeting, amira=AttendanceWay.VIDEO, colin=AttendanceWay.IN_PERSON)
    deborah = client_for(cast.chair)
    page = deborah.get(live_url(meeting)).content.decode()
    assert f'id="person-{cast.member.pk}"' in page
    assert 'Add one<span class="govuk-visually-hidden"> for Amira Haddad</span>' in page
    # Only people the register shows as here get a button.
    assert f'id="person-{cast.clinician.pk}"' not in page
    assert "Not on the register yet:" in page

    response = deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "add"})
    assert response.status_code == 302
    assert response["Location"] == f"{live_url(meeting)}#person-{cast.member.pk}"
    deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "add"})
    deborah.post(count_url(meeting), {"person": cast.carer.pk, "change": "add"})
    page = deborah.get(live_url(meeting)).content.decode()
    assert "Amira Haddad: 2 contributions on this item." in page
    ways = dict(
        Contribution.objects.filter(meeting=meeting).values_list("user_id", "way").distinct()
    )
    # She took part by video, so what she said counts as said remotely; Colin was in the room.
    assert ways == {cast.member.pk: ContributionWay.REMOTE, cast.carer.pk: ContributionWay.IN_ROOM}
    assert set(Contribution.objects.values_list("recorded_by", flat=True)) == {cast.chair.pk}
    assert counted(meeting, cast.member) == 2


def test_it_updates_just_the_row_in_place_with_htmx(cast: Cast) -> None:
    meeting = held_meeting(cast, closed=False)
    register(meeting, amira=AttendanceWay.IN_PERSON)
    deborah = client_for(cast.chair)
    response = deborah.post(
        count_url(meeting), {"person": cast.member.pk, "change": "add"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<div class="govuk-summary-list__row" id="person-{cast.member.pk}">')
    assert "<html" not in html
    assert f'id="add-{cast.member.pk}"' in html  # the same id, so the focus stays on it
    assert (
        '<div id="count-status" hx-swap-oob="innerHTML">'
        "Amira Haddad: 1 contribution on this item.</div>"
    ) in html
    assert counted(meeting, cast.member) == 1


def test_it_takes_the_latest_one_back_and_refuses_when_there_is_none(cast: Cast) -> None:
    meeting = held_meeting(cast, closed=False)
    register(meeting, amira=AttendanceWay.IN_PERSON)
    deborah = client_for(cast.chair)
    for _press in range(2):
        deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "add"})
    kept = Contribution.objects.order_by("pk").first()
    response = deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "take_back"})
    assert response.status_code == 302
    assert list(Contribution.objects.all()) == [kept]
    assert AuditEvent.objects.filter(action="meeting.contribution_taken_back").count() == 1
    deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "take_back"})
    assert counted(meeting, cast.member) == 0

    response = deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "take_back"})
    assert response.status_code == 400
    assert "Nothing was taken away: no contributions from Amira Haddad are counted" in (
        response.content.decode()
    )
    with_js = deborah.post(
        count_url(meeting),
        {"person": cast.member.pk, "change": "take_back"},
        HTTP_HX_REQUEST="true",
    )
    assert with_js.status_code == 200
    assert "Nothing was taken away" in with_js.content.decode()
    assert "govuk-error-message" in with_js.content.decode()
    assert counted(meeting, cast.member) == 0


@pytest.mark.parametrize("attended", [None, False])
def test_it_refuses_to_count_someone_not_on_the_register_as_here(
    cast: Cast, attended: bool | None
) -> None:
    meeting = held_meeting(cast, closed=False)
    Invitee.objects.filter(meeting=meeting, user=cast.member).update(attended=attended)
    deborah = client_for(cast.chair)
    response = deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "add"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Amira Haddad is not on the register as here, so nothing was counted." in page
    assert page.count("<title>Error: ") == 1
    with_js = deborah.post(
        count_url(meeting), {"person": cast.member.pk, "change": "add"}, HTTP_HX_REQUEST="true"
    )
    assert "Amira Haddad is not on the register as here" in with_js.content.decode()
    assert not Contribution.objects.exists()


def test_it_refuses_to_count_someone_not_invited_or_nobody(cast: Cast) -> None:
    meeting = held_meeting(cast, closed=False)
    deborah = client_for(cast.chair)
    response = deborah.post(count_url(meeting), {"person": cast.outsider.pk, "change": "add"})
    assert response.status_code == 400
    assert "That person was not invited to this meeting" in response.content.decode()
    with_js = deborah.post(
        count_url(meeting), {"person": cast.outsider.pk, "change": "add"}, HTTP_HX_REQUEST="true"
    )
    # No row of theirs is on the page: the answer is only said, in the live region.
    assert with_js["HX-Reswap"] == "none"
    assert 'id="count-status"' in with_js.content.decode()
    assert "not invited" in with_js.content.decode()
    for data in ({}, {"person": "x", "change": "add"}, {"person": cast.member.pk, "change": "9"}):
        assert deborah.post(count_url(meeting), data).status_code == 400
    assert not Contribution.objects.exists()


def test_it_counts_nothing_before_the_meeting_starts_or_on_a_break(cast: Cast) -> None:
    meeting = held_meeting(cast, days_ago=-2, closed=False)
    register(meeting, amira=AttendanceWay.IN_PERSON)
    deborah = client_for(cast.chair)
    assert "has not started yet" in deborah.get(live_url(meeting)).content.decode()
    response = deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "add"})
    assert response.status_code == 400
    assert "has not started yet" in response.content.decode()
    tea = AgendaItem.objects.get(meeting=meeting, purpose=ItemPurpose.BREAK)
    assert deborah.get(live_url(meeting, tea)).status_code == 404
    assert not Contribution.objects.exists()


def test_it_leads_from_item_to_item(cast: Cast) -> None:
    meeting = held_meeting(cast, items=3)
    items = list(AgendaItem.objects.filter(meeting=meeting).order_by("position"))
    page = client_for(cast.chair).get(live_url(meeting, items[1])).content.decode()
    assert "Count who speaks on 2. Item 2" in page
    assert live_url(meeting, items[0]) in page
    assert live_url(meeting, items[2]) in page
    # The tea break is no item to count on.
    assert live_url(meeting, items[3]) not in page


def test_it_answers_a_press_in_a_fixed_number_of_queries(cast: Cast) -> None:
    meeting = held_meeting(cast, closed=False)
    register(meeting, amira=AttendanceWay.IN_PERSON)
    deborah = client_for(cast.chair)

    def press() -> int:
        with CaptureQueriesContext(connection) as queries:
            deborah.post(
                count_url(meeting),
                {"person": cast.member.pk, "change": "add"},
                HTTP_HX_REQUEST="true",
            )
        return len(queries)

    first = press()
    for _press in range(20):
        press()
    assert press() == first


# ---------------------------------------------------------------------------------------------
# Two facilitators pressing at once (PostgreSQL: SQLite lets only one connection write)


needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite lets only one connection write at a time",
)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_it_counts_both_when_two_press_at_once(cast: Cast) -> None:
    meeting = held_meeting(cast, closed=False)
    register(meeting, amira=AttendanceWay.IN_PERSON)
    item = first_item(meeting)
    item.meeting = meeting
    outcomes = at_the_same_moment(
        record.RecordError,
        lambda: record.contribution_add(item=item, person_id=cast.member.pk, actor=cast.chair),
        lambda: record.contribution_add(
            item=item, person_id=cast.member.pk, actor=cast.coordinator
        ),
    )
    assert outcomes == ["done", "done"]
    assert counted(meeting, cast.member) == 2
    outcomes = at_the_same_moment(
        record.RecordError,
        *[
            lambda: record.contribution_take_back(
                item=item, person_id=cast.member.pk, actor=cast.chair
            )
        ]
        * 3,
    )
    # Two to take back: both go, and the third finds none left.
    assert outcomes == ["done", "done", "refused"]
    assert counted(meeting, cast.member) == 0


def test_it_keeps_typing_the_counts_with_how_each_person_took_part(cast: Cast) -> None:
    meeting = held_meeting(cast)
    register(meeting, amira=AttendanceWay.VIDEO, priya=AttendanceWay.WRITTEN)
    deborah = client_for(cast.chair)
    item_url = reverse("meetings:contributions_item", args=[meeting.pk, first_item(meeting).pk])
    page = deborah.get(item_url).content.decode()
    assert "By video call" in page
    assert "took part in writing" in page
    # Priya did not come, so writing is the only way she can be counted.
    assert f"c_{cast.clinician.pk}_in_room" not in page
    assert f"c_{cast.clinician.pk}_written" in page
    # The typed counts and the live ones are the same contributions.
    deborah.post(count_url(meeting), {"person": cast.member.pk, "change": "add"})
    page = deborah.get(item_url).content.decode()
    assert re.search(rf'name="c_{cast.member.pk}_remote"[^>]*value="1"', page) or re.search(
        rf'value="1"[^>]*name="c_{cast.member.pk}_remote"', page
    )
