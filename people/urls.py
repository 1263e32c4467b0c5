from django.urls import path

from people import views

app_name = "people"

urlpatterns = [
    path("", views.me, name="me"),
    path("details/", views.details, name="details"),
    path("access/", views.access, name="access"),
    path("preferences/", views.preferences, name="preferences"),
]
