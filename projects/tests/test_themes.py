import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEvent, User
from conftest import Cast, client_for, make_user
from people.models import MemberType
from projects.models import Membership, Theme, ThemeRank
from projects.services import themes as services
from projects.services.themes import theme_results

THEMES = ["Crisis help", "Finding local groups", "Easy read pages"]


def url(name: str, cast: Cast, **kwargs: int) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk, **kwargs})


def themes(cast: Cast, names: list[str] = THEMES) -> list[Theme]:
    return [Theme.objects.create(project=cast.website, name=name) for name in names]


def ranking(found: list[Theme], *order: str) -> dict[str, str]:
    """The form as a member sends it without JavaScript: a number for each theme."""
    by_name = {theme.name: theme for theme in found}
    return {f"theme_{by_name[name].pk}": str(n) for n, name in enumerate(order, start=1)}


def rank(cast: Cast, user: User, found: list[Theme], *order: str) -> None:
    response = client_for(user).post(url("theme_rank", cast), ranking(found, *order))
    assert response.status_code == 302, response.content.decode()


def test_it_lets_a_leader_add_a_theme_and_refuses_a_duplicate_name(cast: Cast) -> None:
    chair = client_for(cast.chair)
    response = chair.post(
        url("theme_add", cast), {"name": "Crisis help", "description": "", "version": "1"}
    )
    assert response["Location"] == url("themes", cast)
    response = chair.post(
        url("theme_add", cast), {"name": " crisis HELP ", "description": "", "version": "1"}
    )
    assert response.status_code == 400
    assert "The group already has a theme called “crisis HELP”" in response.content.decode()
    assert 'href="#id_name"' in response.content.decode()
    assert Theme.objects.count() == 1
    assert AuditEvent.objects.filter(action="theme.added").count() == 1


def test_it_does_not_let_a_member_add_a_theme(cast: Cast) -> None:
    response = client_for(cast.member).post(
        url("theme_add", cast), {"name": "Crisis help", "version": "1"}
    )
    assert response.status_code == 403
    assert not Theme.objects.exists()


def test_it_saves_a_members_ranking_from_numbered_choices(cast: Cast) -> None:
    found = themes(cast)
    form = client_for(cast.member).get(url("theme_rank", cast)).content.decode()
    assert "Crisis help" in form
    assert 'name="theme_' in form
    rank(cast, cast.member, found, "Easy read pages", "Crisis help", "Finding local groups")
    mine = ThemeRank.objects.filter(user=cast.member).order_by("position")
    assert [r.theme.name for r in mine] == [
        "Easy read pages",
        "Crisis help",
        "Finding local groups",
    ]
    assert {r.member_type for r in mine} == {MemberType.LIVED_EXPERIENCE}


def test_it_refuses_a_number_used_twice_naming_the_themes_and_saves_nothing(cast: Cast) -> None:
    found = themes(cast)
    data = ranking(found, "Crisis help", "Finding local groups", "Easy read pages")
    data[f"theme_{found[2].pk}"] = "1"
    response = client_for(cast.carer).post(url("theme_rank", cast), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "“Easy read pages” and “Crisis help” both have the number 1" in html
    assert f'href="#id_theme_{found[2].pk}"' in html
    assert not ThemeRank.objects.exists()


def test_it_refuses_a_theme_ranked_twice_and_saves_nothing(cast: Cast) -> None:
    found = themes(cast)
    rank(cast, cast.carer, found, *THEMES)
    data = ranking(found, "Crisis help", "Finding local groups", "Easy read pages")
    client = client_for(cast.carer)
    response = client.post(url("theme_rank", cast), {**data, f"theme_{found[0].pk}": ["3", "1"]})
    assert response.status_code == 400
    assert "“Crisis help” was given more than one number" in response.content.decode()
    assert (
        list(
            ThemeRank.objects.filter(user=cast.carer)
            .order_by("position")
            .values_list("theme__name", flat=True)
        )
        == THEMES
    )


def test_it_asks_for_a_number_for_every_theme(cast: Cast) -> None:
    found = themes(cast)
    data = ranking(found, "Crisis help", "Finding local groups", "Easy read pages")
    data[f"theme_{found[1].pk}"] = ""
    response = client_for(cast.carer).post(url("theme_rank", cast), data)
    assert response.status_code == 400
    assert "Choose a number for “Finding local groups”" in response.content.decode()
    assert not ThemeRank.objects.exists()


def test_it_counts_every_members_ranking_once_whatever_their_role(cast: Cast) -> None:
    found = themes(cast)
    # The chair and the coordinator lead the group; their rankings weigh what anyone's do.
    rank(cast, cast.chair, found, "Crisis help", "Finding local groups", "Easy read pages")
    rank(cast, cast.coordinator, found, "Crisis help", "Finding local groups", "Easy read pages")
    rank(cast, cast.member, found, "Easy read pages", "Finding local groups", "Crisis help")
    rank(cast, cast.carer, found, "Easy read pages", "Crisis help", "Finding local groups")
    rank(cast, cast.clinician, found, "Finding local groups", "Easy read pages", "Crisis help")
    results = theme_results(found, ThemeRank.objects.all())
    # Crisis help 3+3+1+2+1 = 10, Easy read 1+1+3+3+2 = 10, Finding 2+2+2+1+3 = 10
    assert {r.theme.name: r.points for r in results} == dict.fromkeys(THEMES, 10)
    assert {r.place for r in results} == {1}


def test_it_shows_the_combined_order_beside_each_sides_order(cast: Cast) -> None:
    found = themes(cast)
    rank(cast, cast.member, found, "Easy read pages", "Crisis help", "Finding local groups")
    rank(cast, cast.carer, found, "Easy read pages", "Finding local groups", "Crisis help")
    rank(cast, cast.clinician, found, "Crisis help", "Finding local groups", "Easy read pages")
    rank(cast, cast.commissioner, found, "Finding local groups", "Crisis help", "Easy read pages")
    results = {r.theme.name: r for r in theme_results(found, ThemeRank.objects.all())}
    assert results["Easy read pages"].lived_place == 1
    assert results["Easy read pages"].professional_place == 3
    assert results["Crisis help"].professional_place == 1
    assert results["Finding local groups"].professional_place == 1
    html = client_for(cast.member).get(url("themes", cast)).content.decode()
    assert "Place among members with lived or caring experience" in html
    assert "Place among professionals" in html
    assert "4 of 6 members have ranked the themes." in html


def test_it_gives_no_points_for_a_theme_added_after_someone_ranked(cast: Cast) -> None:
    found = themes(cast)
    rank(cast, cast.member, found, *THEMES)
    found.append(Theme.objects.create(project=cast.website, name="Money worries"))
    results = {r.theme.name: r for r in theme_results(found, ThemeRank.objects.all())}
    assert results["Crisis help"].points == 4
    assert results["Money worries"].points == 0
    assert results["Money worries"].place is None
    form = client_for(cast.member).get(url("theme_rank", cast)).content.decode()
    # The new theme comes last, without a number, for the member to place.
    assert form.index("Easy read pages") < form.index("Money worries")


def test_it_lets_a_member_change_their_ranking_until_a_leader_closes_it(cast: Cast) -> None:
    found = themes(cast)
    rank(cast, cast.member, found, *THEMES)
    rank(cast, cast.member, found, *reversed(THEMES))
    assert ThemeRank.objects.filter(user=cast.member).count() == 3
    assert ThemeRank.objects.get(user=cast.member, position=1).theme.name == "Easy read pages"

    chair = client_for(cast.chair)
    assert chair.get(url("theme_ranking_state", cast)).status_code == 200
    assert chair.post(url("theme_ranking_state", cast), {"close": "yes"}).status_code == 302
    cast.website.refresh_from_db()
    assert cast.website.themes_closed_at is not None

    member = client_for(cast.member)
    response = member.post(url("theme_rank", cast), ranking(found, *THEMES))
    assert response["Location"] == url("themes", cast)
    assert ThemeRank.objects.get(user=cast.member, position=1).theme.name == "Easy read pages"
    assert "The ranking is closed" in member.get(url("themes", cast)).content.decode()
    with pytest.raises(services.ThemesError):
        services.theme_ranking_save(
            membership=cast.membership(cast.member),
            positions={theme.pk: n for n, theme in enumerate(found, start=1)},
        )

    # Sending the close twice changes nothing; opening it again lets members rank.
    chair.post(url("theme_ranking_state", cast), {"close": "yes"})
    assert AuditEvent.objects.filter(action="themes.closed").count() == 1
    chair.post(url("theme_ranking_state", cast), {"close": "no"})
    rank(cast, cast.member, found, *THEMES)


def test_it_refuses_new_themes_while_the_ranking_is_closed(cast: Cast) -> None:
    themes(cast)
    services.theme_ranking_set_closed(project=cast.website, actor=cast.chair, closed=True)
    response = client_for(cast.chair).post(
        url("theme_add", cast), {"name": "Money worries", "version": "1"}
    )
    assert response.status_code == 400
    assert "The ranking is closed" in response.content.decode()
    assert Theme.objects.count() == 3


def test_it_does_not_let_a_member_close_the_ranking(cast: Cast) -> None:
    themes(cast)
    response = client_for(cast.member).post(url("theme_ranking_state", cast), {"close": "yes"})
    assert response.status_code == 403
    cast.website.refresh_from_db()
    assert cast.website.themes_closed_at is None


def test_it_lets_only_members_rank(cast: Cast) -> None:
    themes(cast)
    assert client_for(cast.administrator).get(url("theme_rank", cast)).status_code == 403
    assert client_for(cast.outsider).get(url("theme_rank", cast)).status_code == 404


def test_it_lets_a_leader_rename_a_theme(cast: Cast) -> None:
    found = themes(cast)
    response = client_for(cast.chair).post(
        url("theme_edit", cast, theme_pk=found[0].pk),
        {"name": "Help in a crisis", "description": "Where to turn at night", "version": "1"},
    )
    assert response.status_code == 302
    found[0].refresh_from_db()
    assert found[0].name == "Help in a crisis"


def test_it_shows_the_themes_page_in_the_same_number_of_queries_for_more_members(
    cast: Cast,
) -> None:
    found = themes(cast)
    rank(cast, cast.member, found, *THEMES)
    client = client_for(cast.carer)
    client.get(url("themes", cast))
    with CaptureQueriesContext(connection) as few:
        client.get(url("themes", cast))
    for n in range(12):
        person = make_user(f"person{n}@example.org", f"Person {n}")
        Membership.objects.create(
            project=cast.website, user=person, member_type=MemberType.PROFESSIONAL
        )
        rank(cast, person, found, *reversed(THEMES))
    found += themes(cast, ["Money worries", "Housing"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("themes", cast))
    assert "Housing" in response.content.decode()
    assert len(many.captured_queries) == len(few.captured_queries)
