from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from coproduce import views
from projects import views as project_views
from recruitment import views as recruitment_views

admin.site.site_header = "Coproduce administration"
admin.site.site_title = "Coproduce administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("join/", recruitment_views.join, name="join"),
    path("healthz", views.healthz, name="healthz"),
    # The link in an invitation email, kept beside the other account pages.
    path(
        "account/invitations/<str:token>/",
        project_views.invitation_accept,
        name="invitation_accept",
    ),
    # A project's history gathers every app's events, so it lives here, above them all.
    path("projects/<int:pk>/history/", views.project_history, name="project_history"),
    path("account/", include("accounts.urls")),
    path("", include("people.urls")),
    path("projects/", include("projects.urls")),
    path("projects/", include("recruitment.urls")),
    path("", include("meetings.urls")),
    path("", include("decisions.urls")),
    path("", include("payments.urls")),
    path("", include("privacy.urls")),
    # Data administration signs in through our own page, with its throttling and two-step
    # sign-in, never through the admin's own form.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:sign_in", query_string=True),
    ),
    path("admin/", admin.site.urls),
    # Uploads have no public folder, in development as in production: the organisation's
    # logo is served here, at the address its file gives (under MEDIA_URL), and papers only
    # to their group, through their download view.
    path(
        f"{settings.MEDIA_URL.lstrip('/')}organisation/<path:name>",
        account_views.organisation_logo,
        name="organisation_logo",
    ),
]
