from django.urls import path

from projects import views
from projects.views import expectations, meaning, pausing, plan, rules, themes

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/edit/", views.project_edit, name="edit"),
    path("<int:pk>/members/", views.member_list, name="members"),
    path("<int:pk>/members/invite/", views.member_invite, name="member_invite"),
    path("<int:pk>/members/<int:membership_pk>/role/", views.member_change, name="member_change"),
    path("<int:pk>/members/<int:membership_pk>/remove/", views.member_remove, name="member_remove"),
    path(
        "<int:pk>/members/<int:membership_pk>/access/",
        views.member_access,
        name="member_access",
    ),
    path("<int:pk>/onboarding/", views.onboarding, name="onboarding"),
    path(
        "<int:pk>/onboarding/<int:membership_pk>/",
        views.onboarding_member,
        name="onboarding_member",
    ),
    path(
        "<int:pk>/onboarding/<int:membership_pk>/welcome/",
        views.onboarding_welcome,
        name="onboarding_welcome",
    ),
    path("<int:pk>/skills/", views.skill_list, name="skills"),
    path("<int:pk>/skills/mine/", views.skill_offers, name="skill_offers"),
    path("<int:pk>/skills/add/", views.skill_add, name="skill_add"),
    path("<int:pk>/skills/<int:skill_pk>/edit/", views.skill_edit, name="skill_edit"),
    path("<int:pk>/skills/<int:skill_pk>/remove/", views.skill_remove, name="skill_remove"),
    path("<int:pk>/equality/", views.equality_summary, name="equality_summary"),
    path("<int:pk>/equality/answer/", views.equality_form, name="equality_form"),
    path("<int:pk>/stakeholders/", views.stakeholder_list, name="stakeholders"),
    path("<int:pk>/stakeholders/add/", views.stakeholder_add, name="stakeholder_add"),
    path(
        "<int:pk>/stakeholders/<int:stakeholder_pk>/edit/",
        views.stakeholder_edit,
        name="stakeholder_edit",
    ),
    path(
        "<int:pk>/stakeholders/<int:stakeholder_pk>/remove/",
        views.stakeholder_remove,
        name="stakeholder_remove",
    ),
    path("<int:pk>/plan/", plan.plan, name="plan"),
    path("<int:pk>/plan/outcomes/add/", plan.outcome_add, name="outcome_add"),
    path("<int:pk>/plan/outcomes/<int:outcome_pk>/edit/", plan.outcome_edit, name="outcome_edit"),
    path(
        "<int:pk>/plan/outcomes/<int:outcome_pk>/tasks/add/",
        plan.outcome_task_add,
        name="outcome_task_add",
    ),
    path(
        "<int:pk>/plan/tasks/<int:task_pk>/edit/", plan.outcome_task_edit, name="outcome_task_edit"
    ),
    path("<int:pk>/plan/work-plan/", plan.work_plan, name="work_plan"),
    path("<int:pk>/plan/timeline/", plan.work_plan_timeline, name="work_plan_timeline"),
    path("<int:pk>/plan/work-plan/add/", plan.milestone_add, name="milestone_add"),
    path(
        "<int:pk>/plan/work-plan/<int:milestone_pk>/edit/",
        plan.milestone_edit,
        name="milestone_edit",
    ),
    path("<int:pk>/plan/phases/", plan.phases, name="phases"),
    path("<int:pk>/plan/phases/add/", plan.phase_add, name="phase_add"),
    path("<int:pk>/plan/phases/<int:phase_pk>/edit/", plan.phase_edit, name="phase_edit"),
    path("<int:pk>/plan/themes/", themes.themes, name="themes"),
    path("<int:pk>/plan/themes/add/", themes.theme_add, name="theme_add"),
    path("<int:pk>/plan/themes/<int:theme_pk>/edit/", themes.theme_edit, name="theme_edit"),
    path("<int:pk>/plan/themes/rank/", themes.theme_rank, name="theme_rank"),
    path("<int:pk>/plan/themes/ranking/", themes.theme_ranking_state, name="theme_ranking_state"),
    path(
        "<int:pk>/what-co-production-means/",
        meaning.coproduction_meaning,
        name="coproduction_meaning",
    ),
    path(
        "<int:pk>/what-co-production-means/read/",
        meaning.coproduction_meaning_read,
        name="coproduction_meaning_read",
    ),
    path(
        "<int:pk>/what-co-production-means/edit/",
        meaning.coproduction_meaning_edit,
        name="coproduction_meaning_edit",
    ),
    path("<int:pk>/pause/", pausing.membership_pause, name="membership_pause"),
    path("<int:pk>/pause/end/", pausing.membership_come_back, name="membership_come_back"),
    path("<int:pk>/ground-rules/", rules.ground_rules, name="ground_rules"),
    path("<int:pk>/ground-rules/draft/", rules.ground_rules_draft, name="ground_rules_draft"),
    path("<int:pk>/ground-rules/adopt/", rules.ground_rules_adopt, name="ground_rules_adopt"),
    path("<int:pk>/ground-rules/agree/", rules.ground_rules_agree, name="ground_rules_agree"),
    path(
        "<int:pk>/ground-rules/versions/", rules.ground_rules_versions, name="ground_rules_versions"
    ),
    path("<int:pk>/expectations/", expectations.expectations, name="expectations"),
    path(
        "<int:pk>/expectations/mine/",
        expectations.expectation_record,
        name="expectation_record",
    ),
    path(
        "<int:pk>/expectations/frustrations/add/",
        expectations.frustration_add,
        name="frustration_add",
    ),
    path(
        "<int:pk>/expectations/frustrations/<int:frustration_pk>/respond/",
        expectations.frustration_respond,
        name="frustration_respond",
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
]
