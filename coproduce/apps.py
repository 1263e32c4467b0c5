from django.apps import AppConfig

from coproduce.lib.translation import remember_translations
from coproduce.lib.urls import remember_reversed


class CoproduceConfig(AppConfig):
    """Project-wide template tags, management commands and pages that belong to no one app."""

    name = "coproduce"
    verbose_name = "Coproduce"

    def ready(self) -> None:
        remember_translations()
        remember_reversed()
