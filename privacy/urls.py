from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("me/privacy/", views.consent, name="consent"),
    path("me/data/", views.data_export, name="data_export"),
    path("me/delete-my-data/", views.erasure_request, name="erasure_request"),
    path("privacy/", views.privacy_notice, name="privacy_notice"),
    path(
        "account/organisation/privacy/",
        views.privacy_notice_publish,
        name="privacy_notice_publish",
    ),
    path(
        "account/organisation/erasure-requests/",
        views.erasure_requests,
        name="erasure_requests",
    ),
    path(
        "account/organisation/erasure-requests/<int:pk>/",
        views.erasure_decide,
        name="erasure_decide",
    ),
    path(
        "account/organisation/erasure-requests/<int:pk>/remove-name/",
        views.mention_redact,
        name="mention_redact",
    ),
]
