from django.urls import URLPattern, path

from decisions.views import actions, log, methods, proposals, public

app_name = "decisions"

urlpatterns: list[URLPattern] = [
    # Proposals
    path("projects/<int:project_pk>/proposals/", proposals.proposal_list, name="proposals"),
    path("projects/<int:project_pk>/proposals/new/", proposals.proposal_add, name="proposal_add"),
    path("proposals/<int:pk>/", proposals.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/change/", proposals.proposal_edit, name="proposal_edit"),
    path("proposals/<int:pk>/comment/", proposals.proposal_comment, name="proposal_comment"),
    path("proposals/<int:pk>/move/<str:stage>/", proposals.proposal_move, name="proposal_move"),
    path("proposals/<int:pk>/versions/", proposals.proposal_versions, name="proposal_versions"),
    # Decisions and the decision log
    path("projects/<int:project_pk>/decisions/", log.decision_log, name="decision_log"),
    path(
        "projects/<int:project_pk>/decisions/decisions.csv",
        log.decision_log_csv,
        name="decision_log_csv",
    ),
    path("projects/<int:project_pk>/decisions/new/", methods.decision_add, name="decision_add"),
    path("decisions/<int:pk>/", methods.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/change/", methods.decision_edit, name="decision_edit"),
    path("decisions/<int:pk>/answer/", methods.decision_respond, name="decision_respond"),
    path("decisions/<int:pk>/answers/enter/", methods.response_record, name="response_record"),
    path("decisions/<int:pk>/outcome/", methods.decision_close, name="decision_close"),
    # The action log
    path("projects/<int:project_pk>/actions/", actions.action_log, name="actions"),
    path("projects/<int:project_pk>/actions/new/", actions.action_add, name="action_add"),
    path("projects/<int:project_pk>/actions/barriers/", actions.barriers, name="barriers"),
    path(
        "projects/<int:project_pk>/actions/barriers/to-the-agenda/",
        actions.barriers_to_agenda,
        name="barriers_to_agenda",
    ),
    path(
        "projects/<int:project_pk>/actions/remind/", actions.actions_remind, name="actions_remind"
    ),
    path("actions/<int:pk>/progress/", actions.action_status, name="action_status"),
    path("actions/<int:pk>/change/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/remove/", actions.action_remove, name="action_remove"),
    path(
        "action-points/<int:pk>/progress/",
        actions.action_point_status,
        name="action_point_status",
    ),
    # You said, we did
    path("projects/<int:project_pk>/you-said-we-did/", public.public_page, name="public_page"),
    path(
        "projects/<int:project_pk>/you-said-we-did/keep/",
        public.public_manage,
        name="public_manage",
    ),
    path(
        "projects/<int:project_pk>/you-said-we-did/entries/new/",
        public.entry_add,
        name="entry_add",
    ),
    path("you-said-we-did/entries/<int:pk>/change/", public.entry_edit, name="entry_edit"),
    path(
        "projects/<int:project_pk>/you-said-we-did/entries/<int:pk>/helpful/",
        public.entry_helpful,
        name="entry_helpful",
    ),
    path(
        "projects/<int:project_pk>/you-said-we-did/subscribe/",
        public.subscribe,
        name="subscribe",
    ),
    path(
        "you-said-we-did/confirm/<str:token>/",
        public.subscription_confirm,
        name="subscription_confirm",
    ),
    path("you-said-we-did/unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("you-said-we-did/entries/<int:entry_pk>/your-name/", public.credit, name="credit"),
]
