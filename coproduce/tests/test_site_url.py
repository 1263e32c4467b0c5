"""The deploy check that asks for SITE_URL, which links in scheduled emails start with."""

from django.test import override_settings

from coproduce.apps import site_url_check


def test_it_warns_a_deployment_without_an_https_site_url() -> None:
    with override_settings(SITE_URL=""):
        [warning] = site_url_check()
    assert warning.id == "coproduce.W001"
    assert "SITE_URL" in warning.msg
    with override_settings(SITE_URL="http://coproduce.example.org"):
        assert len(site_url_check()) == 1
    with override_settings(SITE_URL="https://coproduce.example.org"):
        assert site_url_check() == []
