import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Cast, client_for
from projects import services
from projects.models import EqualityReceipt, EqualityResponse

ANSWERS = {
    "age_band": "35_44",
    "disability": "no",
    "ethnicity": "white",
    "gender": "woman",
    "sexual_orientation": "heterosexual",
    "religion": "none",
    "caring": "no",
}


def url(name: str, cast: Cast) -> str:
    return reverse(f"projects:{name}", kwargs={"pk": cast.website.pk})


def answer(cast: Cast, count: int, **overrides: str) -> None:
    """`count` anonymous responses to the website group, without receipts."""
    EqualityResponse.objects.bulk_create(
        EqualityResponse(project=cast.website, **(ANSWERS | overrides)) for _ in range(count)
    )


def test_it_stores_answers_without_saying_whose_they_are(cast: Cast) -> None:
    response = client_for(cast.member).post(url("equality_form", cast), ANSWERS)
    assert response["Location"] == reverse("projects:detail", kwargs={"pk": cast.website.pk})
    stored = EqualityResponse.objects.get()
    assert stored.gender == "woman"
    assert stored.project == cast.website
    field_names = {field.name for field in EqualityResponse._meta.get_fields()}
    assert not field_names & {"user", "membership", "created_by"}
    assert EqualityReceipt.objects.filter(project=cast.website, user=cast.member).exists()


def test_it_lets_every_question_be_left_out(cast: Cast) -> None:
    response = client_for(cast.member).post(url("equality_form", cast), {})
    assert response.status_code == 302
    stored = EqualityResponse.objects.get()
    assert stored.gender == ""
    assert stored.age_band == ""


def test_it_refuses_an_answer_that_is_not_on_the_list(cast: Cast) -> None:
    response = client_for(cast.member).post(url("equality_form", cast), {"gender": "robot"})
    assert response.status_code == 400
    assert not EqualityResponse.objects.exists()
    assert not EqualityReceipt.objects.exists()


def test_it_has_the_database_refuse_an_answer_that_is_not_on_the_list(cast: Cast) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        EqualityResponse.objects.create(project=cast.website, religion="jedi")


def test_it_refuses_a_second_answer_from_the_same_person(cast: Cast) -> None:
    client = client_for(cast.member)
    client.post(url("equality_form", cast), ANSWERS)
    response = client.post(url("equality_form", cast), ANSWERS, follow=True)
    assert "You have already answered for this project. Thank you." in response.content.decode()
    assert EqualityResponse.objects.count() == 1
    with pytest.raises(services.AlreadyAnswered):
        services.equality_response_submit(project=cast.website, user=cast.member, answers={})
    assert EqualityResponse.objects.count() == 1


def test_it_offers_the_questions_only_to_members_who_have_not_answered(cast: Cast) -> None:
    detail = reverse("projects:detail", kwargs={"pk": cast.website.pk})
    link = "Answer the equality questions (optional)"
    client = client_for(cast.member)
    assert link in client.get(detail).content.decode()
    client.post(url("equality_form", cast), ANSWERS)
    assert link not in client.get(detail).content.decode()
    assert link not in client_for(cast.administrator).get(detail).content.decode()


def test_it_links_leaders_to_the_summary(cast: Cast) -> None:
    detail = reverse("projects:detail", kwargs={"pk": cast.website.pk})
    summary = f'href="{url("equality_summary", cast)}"'
    assert summary in client_for(cast.chair).get(detail).content.decode()
    assert summary not in client_for(cast.member).get(detail).content.decode()


def test_it_keeps_the_form_from_outsiders_and_non_members(cast: Cast) -> None:
    assert client_for(cast.outsider).get(url("equality_form", cast)).status_code == 404
    assert client_for(cast.administrator).get(url("equality_form", cast)).status_code == 403
    assert client_for(cast.member).get(url("equality_summary", cast)).status_code == 403


def test_it_shows_nothing_until_five_people_have_answered(cast: Cast) -> None:
    answer(cast, 4)
    page = client_for(cast.chair).get(url("equality_summary", cast)).content.decode()
    assert "Fewer than 5 people have answered, so we do not show the results yet." in page
    assert "<table" not in page
    assert "4 people" not in page


def test_it_shows_the_results_once_five_people_have_answered(cast: Cast) -> None:
    answer(cast, 5)
    response = client_for(cast.chair).get(url("equality_summary", cast))
    assert response.status_code == 200
    page = response.content.decode()
    assert "5 people have answered." in page
    assert "<table" in page
    gender = next(q for q in response.context["questions"] if q["name"] == "gender")
    assert ("Woman", "5") in gender["rows"]
    assert ("Man", "0") in gender["rows"]
    assert gender["answered"] == "5"


def test_it_hides_small_counts_within_a_question(cast: Cast) -> None:
    answer(cast, 5)
    answer(cast, 2, gender="man")
    response = client_for(cast.chair).get(url("equality_summary", cast))
    gender = next(q for q in response.context["questions"] if q["name"] == "gender")
    assert ("Man", "fewer than 5") in gender["rows"]
    assert ("Woman", "5") in gender["rows"]
    # The total answering is rounded, so the hidden count cannot be worked out from it.
    assert gender["answered"] == "at least 5"
    age = next(q for q in response.context["questions"] if q["name"] == "age_band")
    assert age["answered"] == "7"
    assert "fewer than 5" in response.content.decode()


def test_it_adds_up_the_answers_in_the_same_number_of_queries_however_many(
    cast: Cast,
) -> None:
    client = client_for(cast.chair)
    answer(cast, 5)
    with CaptureQueriesContext(connection) as few:
        client.get(url("equality_summary", cast))
    answer(cast, 30, gender="non_binary", religion="sikh")
    with CaptureQueriesContext(connection) as many:
        client.get(url("equality_summary", cast))
    assert len(many) == len(few)
    aggregate_queries = [q for q in many if "projects_equalityresponse" in q["sql"]]
    assert len(aggregate_queries) == 1
