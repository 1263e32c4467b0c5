from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("me/details/", views.details, name="details"),
    path("me/access/", views.access, name="access"),
    path("me/preferences/", views.preferences, name="preferences"),
]
