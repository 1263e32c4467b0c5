from django.apps import AppConfig


class CoproduceConfig(AppConfig):
    """Project-wide template tags, management commands and pages that belong to no one app."""

    name = "coproduce"
    verbose_name = "Coproduce"
