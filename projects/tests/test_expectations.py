"""What members expect from their group, frustrations as they come up (with or without a
name shown), and the leaders' responses: one log the group reads at its reviews."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django.fixtures import Settings

from accounts.models import AuditEvent
from conftest import Cast, client_for
from projects import personal_data
from projects.models import Expectation, Frustration

HOPE = "That people who use the website decide what the crisis pages say."
LATE_PAPERS = "Papers came the evening before, too late to read in large print."


def page(cast: Cast, name: str, **kwargs: int) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk, **kwargs})


def respond_page(cast: Cast, frustration: Frustration) -> str:
    return page(cast, "frustration_respond", frustration_pk=frustration.pk)


def test_it_lets_amira_say_what_she_expects_as_a_step_of_joining(cast: Cast) -> None:
    amira = client_for(cast.member)
    assert page(cast, "expectation_record") in amira.get(page(cast, "detail")).text
    response = amira.post(page(cast, "expectation_record"), {"text": HOPE})

    assert response["Location"] == page(cast, "expectations")
    assert HOPE in client_for(cast.carer).get(page(cast, "expectations")).text
    onboarding = client_for(cast.coordinator).get(page(cast, "onboarding")).text
    assert "Said what they expect" in onboarding
    amira_onboarding = page(
        cast, "onboarding_member", membership_pk=cast.membership(cast.member).pk
    )
    assert "They said what they expect" in client_for(cast.chair).get(amira_onboarding).text

    assert page(cast, "expectation_record") not in amira.get(page(cast, "detail")).text
    assert page(cast, "expectations") in amira.get(page(cast, "detail")).text
    amira.post(page(cast, "expectation_record"), {"text": "Crisis pages that work in BSL."})
    (expectation,) = Expectation.objects.filter(project=cast.website)
    assert expectation.text == "Crisis pages that work in BSL."
    actions = AuditEvent.objects.filter(project=cast.website).values_list("action", flat=True)
    assert {"expectation.recorded", "expectation.changed"} <= set(actions)


def test_it_refuses_an_empty_or_overlong_expectation_and_keeps_what_was_typed(
    cast: Cast,
) -> None:
    amira = client_for(cast.member)
    empty = amira.post(page(cast, "expectation_record"), {"text": "   "})
    assert empty.status_code == 400
    assert 'href="#id_text"' in empty.text
    assert "Write what you expect from the group" in empty.text

    long_text = "I hope " + "a" * 2000
    too_long = amira.post(page(cast, "expectation_record"), {"text": long_text})
    assert too_long.status_code == 400
    assert "What you expect must be 2,000 characters or fewer" in too_long.text
    assert long_text in too_long.text
    assert not Expectation.objects.exists()


def test_it_hides_the_name_of_an_anonymous_frustration_from_the_whole_group(cast: Cast) -> None:
    colin = client_for(cast.carer)
    response = colin.post(page(cast, "frustration_add"), {"text": LATE_PAPERS, "anonymous": "on"})
    assert response["Location"] == page(cast, "expectations")

    for leader in (cast.chair, cast.coordinator):
        text = client_for(leader).get(page(cast, "expectations")).text
        assert LATE_PAPERS in text
        assert "Someone in the group" in text
        assert "Colin Price" not in text
        # Nor does the project's own activity, which its leaders read, give him away.
        assert "Colin Price" not in client_for(leader).get(page(cast, "detail")).text
    assert "You, shown to the group without your name" in colin.get(page(cast, "expectations")).text

    # The audit log, which only administrators read, still records who it was.
    event = AuditEvent.objects.get(action="frustration.noted")
    assert (event.actor, event.project, event.data["project"]) == (
        cast.carer,
        None,
        cast.website.pk,
    )
    assert Frustration.objects.get().raised_by == cast.carer


def test_it_names_whoever_notes_a_frustration_unless_they_ask_not_to(cast: Cast) -> None:
    client_for(cast.carer).post(page(cast, "frustration_add"), {"text": LATE_PAPERS})
    text = client_for(cast.member).get(page(cast, "expectations")).text
    assert "Colin Price" in text
    assert AuditEvent.objects.get(action="frustration.noted").project == cast.website


def test_it_refuses_an_empty_or_overlong_frustration(cast: Cast) -> None:
    colin = client_for(cast.carer)
    empty = colin.post(page(cast, "frustration_add"), {"text": "", "anonymous": "on"})
    assert empty.status_code == 400
    assert "Write what is frustrating you" in empty.text
    assert 'href="#id_text"' in empty.text

    too_long = colin.post(page(cast, "frustration_add"), {"text": "x" * 2001})
    assert too_long.status_code == 400
    assert "What is frustrating you must be 2,000 characters or fewer" in too_long.text
    assert not Frustration.objects.exists()
    assert not AuditEvent.objects.filter(action="frustration.noted").exists()


def test_it_lets_a_leader_respond_and_the_group_filter_open_and_answered(cast: Cast) -> None:
    answered = Frustration.objects.create(
        project=cast.website, raised_by=cast.carer, text=LATE_PAPERS
    )
    Frustration.objects.create(
        project=cast.website, raised_by=cast.member, text="Professionals talk among themselves."
    )
    deborah = client_for(cast.chair)
    response = deborah.post(
        respond_page(cast, answered),
        {"response": "Papers now go out a week before.", "version": answered.version},
    )
    assert response["Location"] == page(cast, "expectations")
    answered.refresh_from_db()
    assert (answered.responded_by, answered.version) == (cast.chair, 2)
    assert answered.responded_at is not None

    amira = client_for(cast.member)
    everything = amira.get(page(cast, "expectations")).text
    assert "1 waiting for a response, 1 answered" in everything
    waiting = amira.get(page(cast, "expectations"), {"show": "open"}).text
    assert "Professionals talk among themselves." in waiting
    assert LATE_PAPERS not in waiting
    done = amira.get(page(cast, "expectations"), {"show": "answered"}).text
    assert "Papers now go out a week before." in done
    assert "Professionals talk among themselves." not in done
    # A filter nobody offers shows everything rather than failing.
    assert LATE_PAPERS in amira.get(page(cast, "expectations"), {"show": "nonsense"}).text


def test_it_refuses_an_empty_response_and_keeps_responding_to_leaders(cast: Cast) -> None:
    frustration = Frustration.objects.create(
        project=cast.website, raised_by=cast.carer, text=LATE_PAPERS
    )
    url = respond_page(cast, frustration)
    empty = client_for(cast.chair).post(url, {"response": " ", "version": frustration.version})
    assert empty.status_code == 400
    assert "Write the response" in empty.text
    assert client_for(cast.member).post(url, {"response": "Mine", "version": 1}).status_code == 403
    assert client_for(cast.outsider).get(page(cast, "expectations")).status_code == 404
    frustration.refresh_from_db()
    assert (frustration.response, frustration.responded_at) == ("", None)


def test_it_refuses_a_stale_response_and_keeps_what_the_second_leader_typed(cast: Cast) -> None:
    frustration = Frustration.objects.create(
        project=cast.website, raised_by=cast.carer, text=LATE_PAPERS
    )
    url = respond_page(cast, frustration)
    first = {"response": "We will post papers a week before.", "version": frustration.version}
    assert client_for(cast.chair).post(url, first).status_code == 302

    stale = {"response": "Grace's answer, typed on an old page.", "version": frustration.version}
    response = client_for(cast.coordinator).post(url, stale)

    assert response.status_code == 400
    assert "Someone else saved changes" in response.text
    assert "Grace&#x27;s answer, typed on an old page." in response.text
    frustration.refresh_from_db()
    assert frustration.response == "We will post papers a week before."
    assert frustration.responded_by == cast.chair

    # From the page as it is now, Grace changes the response, and it is signed by her.
    fresh = {"response": "Papers go out a week before, by post too.", "version": "2"}
    assert client_for(cast.coordinator).post(url, fresh).status_code == 302
    frustration.refresh_from_db()
    assert (frustration.response, frustration.responded_by) == (fresh["response"], cast.coordinator)
    assert AuditEvent.objects.filter(action="frustration.response_changed").count() == 1


def test_it_shows_an_empty_state_and_pages_through_a_long_log(
    cast: Cast, settings: Settings
) -> None:
    amira = client_for(cast.member)
    empty = amira.get(page(cast, "expectations")).text
    assert "Nobody has noted a frustration yet." in empty
    assert "Nobody has said yet what they expect from the group." in empty

    settings.PAGE_SIZE = 3
    Frustration.objects.bulk_create(
        Frustration(project=cast.website, raised_by=cast.carer, text=f"Frustration {n}")
        for n in range(5)
    )
    first = amira.get(page(cast, "expectations"))
    assert len(first.context["frustrations"].object_list) == 3
    second = amira.get(page(cast, "expectations"), {"page": 2})
    assert len(second.context["frustrations"].object_list) == 2


def test_it_reads_the_log_in_the_same_number_of_queries_however_long_it_is(cast: Cast) -> None:
    deborah = client_for(cast.chair)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert deborah.get(page(cast, "expectations")).status_code == 200
        return len(queries)

    Frustration.objects.create(project=cast.website, raised_by=cast.carer, text="One")
    Expectation.objects.create(project=cast.website, user=cast.member, text="One")
    few = count()
    for person in (cast.chair, cast.carer, cast.clinician, cast.commissioner):
        Expectation.objects.create(project=cast.website, user=person, text="More")
        Frustration.objects.create(
            project=cast.website,
            raised_by=person,
            text="More",
            response="Answered",
            responded_by=cast.chair,
            responded_at=cast.website.created_at,
        )
    assert count() == few
    assert few <= 15


def test_it_erases_what_someone_expects_but_keeps_their_frustrations_unnamed(
    cast: Cast,
) -> None:
    Expectation.objects.create(project=cast.website, user=cast.carer, text=HOPE)
    frustration = Frustration.objects.create(
        project=cast.website,
        raised_by=cast.carer,
        text=LATE_PAPERS,
        response="Papers go out a week before now.",
        responded_by=cast.chair,
        responded_at=cast.website.created_at,
    )
    sections = {section.key: section for section in personal_data.export(cast.carer)}
    assert sections["expectations"].rows[0]["text"] == HOPE
    assert sections["frustrations"].rows[0]["text"] == LATE_PAPERS

    personal_data.erase(cast.carer)
    personal_data.erase(cast.chair)

    assert not Expectation.objects.exists()
    frustration.refresh_from_db()
    assert (frustration.text, frustration.raised_by, frustration.responded_by) == (
        LATE_PAPERS,
        None,
        None,
    )
    assert "Former member" in client_for(cast.member).get(page(cast, "expectations")).text
