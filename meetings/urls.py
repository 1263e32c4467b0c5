from django.urls import URLPattern, path  # noqa: F401

app_name = "meetings"

urlpatterns: list[URLPattern] = [
    # Planning: meetings, venues, finding a date, the access plan.
    # Agenda, papers, invitations and replies.
    # The record: attendance, minutes, decisions, actions, contributions, cooling-off, checks.
]
