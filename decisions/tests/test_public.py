import re

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import Cast, client_for
from decisions.models import Credit, Entry, PublicPage, Subscriber
from decisions.services import public
from people.models import Profile


def an_entry(cast: Cast, **fields: object) -> Entry:
    entry = Entry(
        project=cast.website,
        you_said="The crisis number was hard to find on a phone.",
        we_did="We put it at the top of every page.",
        **fields,
    )
    public.entry_save(entry=entry, actor=cast.chair, credited=[cast.member])
    return entry


def publish(cast: Cast) -> None:
    public.public_page_save(
        project=cast.website, actor=cast.chair, is_published=True, introduction=""
    )


def test_it_shows_the_page_to_anonymous_visitors_only_once_published(cast: Cast) -> None:
    an_entry(cast)
    url = reverse("decisions:public_page", args=[cast.website.pk])
    anonymous = client_for(None)
    assert anonymous.get(url).status_code == 404
    assert client_for(cast.outsider).get(url).status_code == 404
    assert client_for(cast.member).get(url).status_code == 200
    publish(cast)
    page = anonymous.get(url)
    assert page.status_code == 200
    assert "hard to find on a phone" in page.text


def test_it_never_shows_a_name_without_that_persons_agreement(cast: Cast) -> None:
    Profile.objects.create(user=cast.member, preferred_name="Amira H")
    entry = an_entry(cast)
    publish(cast)
    url = reverse("decisions:public_page", args=[cast.website.pk])
    assert "Amira" not in client_for(None).get(url).text
    answer = client_for(cast.member).post(
        reverse("decisions:credit", args=[entry.pk]), {"name_shown": "yes"}
    )
    assert answer.status_code == 302
    assert "Amira H" in client_for(None).get(url).text
    client_for(cast.member).post(reverse("decisions:credit", args=[entry.pk]), {"name_shown": "no"})
    assert "Amira" not in client_for(None).get(url).text


def test_it_tells_the_member_whose_thought_led_to_an_entry(cast: Cast) -> None:
    mail.outbox.clear()
    entry = an_entry(cast)
    assert [message.to for message in mail.outbox] == [["amira@example.org"]]
    assert reverse("decisions:credit", args=[entry.pk]) in mail.outbox[0].body
    assert Credit.objects.get().told_at is not None
    assert (
        client_for(cast.carer).get(reverse("decisions:credit", args=[entry.pk])).status_code == 404
    )


def test_it_subscribes_with_double_opt_in_and_unsubscribes_in_one_step(cast: Cast) -> None:
    publish(cast)
    anonymous = client_for(None)
    mail.outbox.clear()
    sent = anonymous.post(
        reverse("decisions:subscribe", args=[cast.website.pk]), {"email": "reader@example.net"}
    )
    assert sent.status_code == 200
    assert "Check your email" in sent.text
    subscriber = Subscriber.objects.get()
    assert subscriber.confirmed_at is None
    confirm = re.search(r"http://\S+/confirm/\S+/", str(mail.outbox[0].body))
    assert confirm is not None
    # Nobody hears of entries before confirming.
    mail.outbox.clear()
    an_entry(cast)
    assert all("reader@example.net" not in message.to for message in mail.outbox)
    assert anonymous.get(confirm.group(0)).status_code == 200
    anonymous.post(confirm.group(0))
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    mail.outbox.clear()
    an_entry(cast)
    to_reader = [message for message in mail.outbox if message.to == ["reader@example.net"]]
    assert len(to_reader) == 1
    unsubscribe = re.search(r"\S*/unsubscribe/\S+/", to_reader[0].body)
    assert unsubscribe is not None
    # One click, from a mail program that sends no cookie and no form token.
    assert client_for(None).post(unsubscribe.group(0)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None


def test_it_lets_a_mail_program_unsubscribe_in_one_click(cast: Cast) -> None:
    publish(cast)
    subscriber = Subscriber.objects.create(
        project=cast.website, email="reader@example.net", confirmed_at=timezone.now()
    )
    mail.outbox.clear()
    public.entry_save(
        entry=Entry(project=cast.website, you_said="Said", we_did="Did"),
        actor=cast.chair,
        credited=[cast.member],
        base_url="https://coproduce.example.org/",
    )
    (to_reader,) = [message for message in mail.outbox if message.to == ["reader@example.net"]]
    headers = to_reader.message()
    url = reverse("decisions:unsubscribe", args=[subscriber.unsubscribe_token])
    assert headers["List-Unsubscribe"] == f"<https://coproduce.example.org{url}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # Members told of their credit get no list headers: that email is not from a list.
    (to_amira,) = [message for message in mail.outbox if message.to == ["amira@example.org"]]
    assert to_amira.message()["List-Unsubscribe"] is None
    # The mail program posts the RFC 8058 body, with no cookie and no CSRF token.
    program = Client(enforce_csrf_checks=True)
    response = program.post(
        url,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None
    mail.outbox.clear()
    an_entry(cast)
    assert all(message.to != ["reader@example.net"] for message in mail.outbox)
    # Posting again, or with a made-up token, changes nothing and says nothing about who.
    assert program.post(url).status_code == 200
    assert program.post(reverse("decisions:unsubscribe", args=["made-up"])).status_code == 200
    assert Subscriber.objects.filter(unsubscribed_at__isnull=True).count() == 0


def test_it_never_unsubscribes_on_a_mere_visit_to_the_link(cast: Cast) -> None:
    publish(cast)
    subscriber = Subscriber.objects.create(
        project=cast.website, email="reader@example.net", confirmed_at=timezone.now()
    )
    # Mail programs and virus scanners open links by themselves: that must not unsubscribe.
    page = client_for(None).get(
        reverse("decisions:unsubscribe", args=[subscriber.unsubscribe_token])
    )
    assert page.status_code == 200
    assert "Stop the emails" in page.text
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is None


def test_it_refuses_a_bad_address_and_names_the_field(cast: Cast) -> None:
    publish(cast)
    response = client_for(None).post(
        reverse("decisions:subscribe", args=[cast.website.pk]), {"email": "not an address"}
    )
    assert response.status_code == 400
    assert "Enter an email address in the right form" in response.text
    assert not Subscriber.objects.exists()


def test_it_counts_was_this_helpful_once_per_visitor(cast: Cast) -> None:
    entry = an_entry(cast)
    publish(cast)
    url = reverse("decisions:entry_helpful", args=[cast.website.pk, entry.pk])
    visitor = client_for(None)
    assert visitor.post(url, {"helpful": "yes"}).status_code == 302
    visitor.post(url, {"helpful": "yes"})
    client_for(None).post(url, {"helpful": "no"})
    entry.refresh_from_db()
    assert (entry.helpful_yes, entry.helpful_no) == (1, 1)


def test_it_lets_only_leaders_keep_the_page(cast: Cast) -> None:
    url = reverse("decisions:public_manage", args=[cast.website.pk])
    assert client_for(cast.member).get(url).status_code == 403
    response = client_for(cast.chair).post(
        url, {"is_published": "on", "introduction": "Hello", "version": "1"}
    )
    assert response.status_code == 302
    assert PublicPage.objects.get(project=cast.website).is_published


def test_it_names_missing_entry_fields(cast: Cast) -> None:
    response = client_for(cast.chair).post(
        reverse("decisions:entry_add", args=[cast.website.pk]),
        {"source": "meeting", "change_status": "planned", "you_said": "", "we_did": ""},
    )
    assert response.status_code == 400
    assert "Write what people said" in response.text
    assert not Entry.objects.exists()


def test_it_draws_a_kept_entry_afresh_once_it_changes(cast: Cast) -> None:
    entry = an_entry(cast)
    publish(cast)
    url = reverse("decisions:public_page", args=[cast.website.pk])
    visitor = client_for(None)
    assert "We put it at the top of every page." in visitor.get(url).text
    entry.we_did = "We put it at the top of every page and in the footer."
    public.entry_save(entry=entry, actor=cast.chair, credited=[cast.member])
    # The same visitor and a new one both see the change, not the row kept before it.
    assert "and in the footer." in visitor.get(url).text
    assert "and in the footer." in client_for(None).get(url).text


def test_it_gives_each_visitor_their_own_token_in_a_kept_entry(cast: Cast) -> None:
    entry = an_entry(cast)
    publish(cast)
    page_url = reverse("decisions:public_page", args=[cast.website.pk])
    helpful_url = reverse("decisions:entry_helpful", args=[cast.website.pk, entry.pk])
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(page_url).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, "the kept row carries a token"
        tokens.append(token.group(1))
        answer = {"helpful": "yes", "csrfmiddlewaretoken": token.group(1)}
        assert visitor.post(helpful_url, answer).status_code == 302
    assert tokens[0] != tokens[1]
    entry.refresh_from_db()
    assert entry.helpful_yes == 2
