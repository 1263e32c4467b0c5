from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from coproduce import views
from projects import views as project_views

admin.site.site_header = "Coproduce administration"
admin.site.site_title = "Coproduce administration"

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("healthz", views.healthz, name="healthz"),
    # The link in an invitation email, kept beside the other account pages.
    path(
        "account/invitations/<str:token>/",
        project_views.invitation_accept,
        name="invitation_accept",
    ),
    path("account/", include("accounts.urls")),
    path("", include("people.urls")),
    path("projects/", include("projects.urls")),
    path("projects/", include("recruitment.urls")),
    path("", include("meetings.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
