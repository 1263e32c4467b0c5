from django.urls import path

from recruitment import views

app_name = "recruitment"

# Included under projects/, beside the project pages the calls belong to.
urlpatterns = [
    path("<int:pk>/calls/", views.call_list, name="calls"),
    path("<int:pk>/calls/new/", views.call_add, name="call_add"),
    path("<int:pk>/calls/<int:call_pk>/", views.call_detail, name="call_detail"),
    path("<int:pk>/calls/<int:call_pk>/edit/", views.call_edit, name="call_edit"),
    path("<int:pk>/calls/<int:call_pk>/close/", views.call_close, name="call_close"),
    path("<int:pk>/calls/<int:call_pk>/reopen/", views.call_reopen, name="call_reopen"),
    path("<int:pk>/calls/<int:call_pk>/panel/", views.call_panel, name="call_panel"),
    path("<int:pk>/calls/<int:call_pk>/questions/", views.call_questions, name="call_questions"),
    path(
        "<int:pk>/calls/<int:call_pk>/questions/add/",
        views.call_question_add,
        name="call_question_add",
    ),
    path(
        "<int:pk>/calls/<int:call_pk>/questions/<int:question_pk>/edit/",
        views.call_question_edit,
        name="call_question_edit",
    ),
    path(
        "<int:pk>/calls/<int:call_pk>/questions/<int:question_pk>/remove/",
        views.call_question_remove,
        name="call_question_remove",
    ),
    path(
        "<int:pk>/calls/<int:call_pk>/questions/<int:question_pk>/move/",
        views.call_question_move,
        name="call_question_move",
    ),
    path("<int:pk>/calls/<int:call_pk>/enter/", views.application_enter, name="application_enter"),
    path(
        "<int:pk>/calls/<int:call_pk>/applications/<int:application_pk>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "<int:pk>/calls/<int:call_pk>/applications/<int:application_pk>/score/",
        views.application_assess,
        name="application_assess",
    ),
    path(
        "<int:pk>/calls/<int:call_pk>/applications/<int:application_pk>/move/",
        views.application_move,
        name="application_move",
    ),
    path(
        "<int:pk>/calls/<int:call_pk>/applications/<int:application_pk>/letter/",
        views.application_letter,
        name="application_letter",
    ),
    path("calls/<int:call_pk>/apply/", views.apply, name="apply"),
]
