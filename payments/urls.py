from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    # Each person's own
    path("payments/", views.mine, name="mine"),
    path("payments/choice/", views.choice, name="choice"),
    path("payments/involvement/add/", views.involvement_add, name="involvement_add"),
    path(
        "payments/involvement/meetings/<int:meeting_pk>/confirm/",
        views.involvement_confirm,
        name="involvement_confirm",
    ),
    path("payments/involvement/<int:pk>/change/", views.involvement_edit, name="involvement_edit"),
    path(
        "payments/involvement/<int:pk>/remove/",
        views.involvement_remove,
        name="involvement_remove",
    ),
    path("payments/expenses/add/", views.expense_add, name="expense_add"),
    path("payments/expenses/<int:pk>/change/", views.expense_edit, name="expense_edit"),
    path("payments/expenses/<int:pk>/remove/", views.expense_remove, name="expense_remove"),
    path("payments/expenses/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("payments/claims/new/", views.claim_new, name="claim_new"),
    path("payments/claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("payments/claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("payments/claims/<int:pk>/send-back/", views.claim_query, name="claim_query"),
    path("payments/claims/<int:pk>/answer/", views.claim_answer, name="claim_answer"),
    path("payments/claims/<int:pk>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("payments/statement/", views.statement, name="statement"),
    path("payments/statement.pdf", views.statement_pdf, name="statement_pdf"),
    # A project's claims, for the people who lead it
    path("projects/<int:pk>/claims/", views.project_claims, name="project_claims"),
    path("projects/<int:pk>/claims/on-behalf/", views.claim_on_behalf, name="claim_on_behalf"),
    # Finance
    path("finance/", views.finance, name="finance"),
    path("finance/rates/", views.rates, name="rates"),
    path("finance/runs/new/", views.run_new, name="run_new"),
    path("finance/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("finance/runs/<int:pk>/summary/", views.run_summary, name="run_summary"),
    path("finance/runs/<int:pk>/export/", views.run_export, name="run_export"),
    path("finance/runs/<int:pk>/paid/", views.run_paid, name="run_paid"),
    path("finance/people/<int:pk>/payment-details/", views.person_details, name="person_details"),
]
