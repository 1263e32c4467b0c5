from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks

from coproduce.lib.translation import remember_translations
from coproduce.lib.urls import remember_reversed


class CoproduceConfig(AppConfig):
    """Project-wide template tags, management commands and pages that belong to no one app."""

    name = "coproduce"
    verbose_name = "Coproduce"

    def ready(self) -> None:
        remember_translations()
        remember_reversed()


@checks.register(checks.Tags.security, deploy=True)
def site_url_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """Emails sent by scheduled tasks have no request to take the site's address from."""
    if settings.SITE_URL.startswith("https://"):
        return []
    return [
        checks.Warning(
            "SITE_URL is not set to the site's https:// address, so links in reminders and "
            "daily or weekly messages will not work.",
            hint="Set SITE_URL, e.g. https://coproduce.example.org",
            id="coproduce.W001",
        )
    ]
