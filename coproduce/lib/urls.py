from django.conf import settings


def site_root(base_url: str | None) -> str:
    """The address links in emails start with: the request's, else the SITE_URL setting."""
    return str(base_url or getattr(settings, "SITE_URL", "") or "").rstrip("/")
