from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, Cast, client_for


def test_it_signs_amira_in_with_her_email_in_any_case(cast: Cast, client: Client) -> None:
    response = client.post(
        reverse("accounts:sign_in"), {"username": "Amira@Example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("projects:list")).status_code == 200


def test_it_keeps_the_email_and_explains_a_wrong_password(cast: Cast, client: Client) -> None:
    response = client.post(
        reverse("accounts:sign_in"), {"username": "amira@example.org", "password": "wrong"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "The email address or password is not right" in html
    assert 'value="amira@example.org"' in html
    assert "<title>Error:" in html


def test_it_explains_missing_fields_next_to_each_field(cast: Cast, client: Client) -> None:
    html = client.post(reverse("accounts:sign_in"), {}).content.decode()
    assert 'href="#id_username"' in html
    assert 'id="id_username-error"' in html
    assert 'aria-describedby="id_username-error"' in html


def test_it_signs_out_only_by_post(cast: Cast) -> None:
    client = client_for(cast.member)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 302
    assert client.get(reverse("projects:list")).status_code == 302


def test_it_sends_a_reset_link_with_text_and_html_parts(cast: Cast, client: Client) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "colin@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert isinstance(message, EmailMultiAlternatives)
    assert message.to == ["colin@example.org"]
    assert "/account/password/reset/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Choose a new password" in str(html)


def test_it_does_not_reveal_whether_an_email_has_an_account(cast: Cast, client: Client) -> None:
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response["Location"] == reverse("accounts:password_reset_sent")
    assert mail.outbox == []


def test_it_lets_colin_choose_a_new_password_from_the_link(cast: Cast, client: Client) -> None:
    client.post(reverse("accounts:password_reset"), {"email": "colin@example.org"})
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/account/password/reset/" in line
    )
    path = link.split("testserver", 1)[1].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url, {"new_password1": "carers-voice-2026", "new_password2": "carers-voice-2026"}
    )
    assert response["Location"] == reverse("accounts:password_reset_complete")
    cast.carer.refresh_from_db()
    assert cast.carer.check_password("carers-voice-2026")


def test_it_lets_priya_change_her_password(cast: Cast) -> None:
    client = client_for(cast.clinician)
    bad = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert bad.status_code == 200
    assert "There is a problem" in bad.content.decode()
    good = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "clinics-and-cake-77",
            "new_password2": "clinics-and-cake-77",
        },
    )
    assert good["Location"] == reverse("accounts:password_change_done")
