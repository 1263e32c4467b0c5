from django.urls import URLPattern, path

from meetings.views import access, after, agenda, invitations, papers, planning, record

# Each part of the meetings work adds its own `from meetings.views import ...` line above.

app_name = "meetings"

urlpatterns: list[URLPattern] = [
    # Meetings: planning (meetings, venues, finding a date)
    path("projects/<int:project_pk>/meetings/", planning.meeting_list, name="list"),
    path("meetings/<int:pk>/", planning.meeting_detail, name="detail"),
    path("projects/<int:project_pk>/meetings/plan/", planning.meeting_create, name="create"),
    path("meetings/<int:pk>/change/", planning.meeting_edit, name="edit"),
    path("meetings/<int:pk>/cancel/", planning.meeting_cancel, name="cancel"),
    path("venues/", planning.venue_list, name="venues"),
    path("venues/add/", planning.venue_add, name="venue_add"),
    path("venues/<int:pk>/change/", planning.venue_edit, name="venue_edit"),
    path("venues/<int:pk>/retire/", planning.venue_retire, name="venue_retire"),
    path("venues/<int:pk>/restore/", planning.venue_restore, name="venue_restore"),
    path("meetings/<int:pk>/dates/", planning.date_poll, name="date_poll"),
    path("meetings/<int:pk>/dates/add/", planning.date_option_add, name="date_option_add"),
    path(
        "meetings/<int:pk>/dates/<int:option_pk>/remove/",
        planning.date_option_remove,
        name="date_option_remove",
    ),
    path(
        "meetings/<int:pk>/dates/<int:option_pk>/choose/",
        planning.date_choose,
        name="date_choose",
    ),
    # Meetings: access plan
    path("meetings/<int:pk>/access/", access.access_plan_page, name="access_plan"),
    path("meetings/<int:pk>/access/who/", access.access_plan_people, name="access_plan_people"),
    path("meetings/<int:pk>/access/ready/", access.mark_ready, name="mark_ready"),
    path(
        "meetings/<int:pk>/access/back-to-planning/",
        access.back_to_planning,
        name="back_to_planning",
    ),
    path("meetings/<int:pk>/access/support/add/", access.arrangement_add, name="arrangement_add"),
    path(
        "meetings/<int:pk>/access/support/<int:arrangement_pk>/change/",
        access.arrangement_edit,
        name="arrangement_edit",
    ),
    path(
        "meetings/<int:pk>/access/support/<int:arrangement_pk>/remove/",
        access.arrangement_remove,
        name="arrangement_remove",
    ),
    path(
        "meetings/<int:pk>/access/reasons/<int:need_type_pk>/",
        access.unmet_reason,
        name="unmet_reason",
    ),
    path(
        "meetings/<int:pk>/access/reasons/<int:need_type_pk>/remove/",
        access.unmet_reason_remove,
        name="unmet_reason_remove",
    ),
    # Meetings: preparation (agenda, papers, invitations and replies)
    path("meetings/<int:pk>/agenda/", agenda.agenda, name="agenda"),
    path("meetings/<int:pk>/agenda/add/", agenda.agenda_item_add, name="agenda_item_add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/change/",
        agenda.agenda_item_edit,
        name="agenda_item_edit",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        agenda.agenda_item_remove,
        name="agenda_item_remove",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/move/",
        agenda.agenda_item_move,
        name="agenda_item_move",
    ),
    path("meetings/<int:pk>/papers/", papers.papers, name="papers"),
    path("meetings/<int:pk>/papers/add/", papers.paper_add, name="paper_add"),
    path("meetings/<int:pk>/papers/<int:paper_pk>/change/", papers.paper_edit, name="paper_edit"),
    path(
        "meetings/<int:pk>/papers/<int:paper_pk>/remove/",
        papers.paper_remove,
        name="paper_remove",
    ),
    path(
        "meetings/<int:pk>/papers/<int:paper_pk>/formats/add/",
        papers.paper_version_add,
        name="paper_version_add",
    ),
    path(
        "meetings/<int:pk>/papers/<int:paper_pk>/formats/<int:version_pk>/remove/",
        papers.paper_version_remove,
        name="paper_version_remove",
    ),
    path(
        "meetings/<int:pk>/papers/<int:paper_pk>/formats/<int:version_pk>/download/",
        papers.paper_download,
        name="paper_download",
    ),
    path(
        "meetings/<int:pk>/papers/<int:paper_pk>/told/<int:notice_pk>/",
        papers.paper_notice_told,
        name="paper_notice_told",
    ),
    path("projects/<int:project_pk>/meetings/papers/", papers.papers_report, name="papers_report"),
    path("meetings/<int:pk>/calendar.ics", invitations.calendar, name="calendar"),
    path("meetings/<int:pk>/invitations/", invitations.invitations, name="invitations"),
    path("meetings/<int:pk>/invitations/add/", invitations.invitee_add, name="invitee_add"),
    path(
        "meetings/<int:pk>/invitations/send/",
        invitations.invitations_send,
        name="invitations_send",
    ),
    path(
        "meetings/<int:pk>/invitations/<int:invitee_pk>/remove/",
        invitations.invitee_remove,
        name="invitee_remove",
    ),
    path(
        "meetings/<int:pk>/invitations/<int:invitee_pk>/send-again/",
        invitations.invitation_resend,
        name="invitation_resend",
    ),
    path("meetings/<int:pk>/reply/", invitations.reply, name="reply"),
    path("meetings/<int:pk>/your-thoughts/", invitations.advance_input, name="advance_input"),
    # Meetings: record (attendance, minutes, decisions, actions, contributions)
    path("meetings/<int:pk>/record/", record.record_page, name="record"),
    path("meetings/<int:pk>/record/attendance/", record.attendance, name="attendance"),
    path("meetings/<int:pk>/record/attendance/add/", record.attendees_add, name="attendees_add"),
    path("meetings/<int:pk>/record/minutes/", record.minutes_edit, name="minutes_edit"),
    path(
        "meetings/<int:pk>/record/minutes/versions/",
        record.minutes_versions,
        name="minutes_versions",
    ),
    path(
        "meetings/<int:pk>/record/minutes/versions/<int:number>/",
        record.minutes_version,
        name="minutes_version",
    ),
    path("meetings/<int:pk>/record/decisions/add/", record.decision_add, name="decision_add"),
    path(
        "meetings/<int:pk>/record/decisions/<int:decision_pk>/change/",
        record.decision_edit,
        name="decision_edit",
    ),
    path(
        "meetings/<int:pk>/record/decisions/<int:decision_pk>/remove/",
        record.decision_remove,
        name="decision_remove",
    ),
    path("meetings/<int:pk>/record/actions/add/", record.action_add, name="action_add"),
    path(
        "meetings/<int:pk>/record/actions/<int:action_pk>/change/",
        record.action_edit,
        name="action_edit",
    ),
    path(
        "meetings/<int:pk>/record/actions/<int:action_pk>/remove/",
        record.action_remove,
        name="action_remove",
    ),
    path(
        "meetings/<int:pk>/record/actions/<int:action_pk>/done/",
        record.action_done,
        name="action_done",
    ),
    path("meetings/<int:pk>/record/contributions/", record.contributions, name="contributions"),
    path(
        "meetings/<int:pk>/record/contributions/<int:item_pk>/",
        record.contributions_item,
        name="contributions_item",
    ),
    path(
        "meetings/<int:pk>/record/contributions/<int:item_pk>/live/",
        record.contributions_live,
        name="contributions_live",
    ),
    path(
        "meetings/<int:pk>/record/contributions/<int:item_pk>/live/count/",
        record.contribution_count,
        name="contribution_count",
    ),
    path("meetings/<int:pk>/equal-voice/", record.equal_voice, name="equal_voice"),
    path(
        "projects/<int:project_pk>/meetings/equal-voice/",
        record.project_equal_voice,
        name="project_equal_voice",
    ),
    # Meetings: after (closing, cooling-off, minutes approval, after-meeting check)
    path("meetings/<int:pk>/close/", after.close, name="close"),
    path("meetings/<int:pk>/cooling-off/", after.cooling_off, name="cooling_off"),
    path(
        "meetings/<int:pk>/cooling-off/<int:input_pk>/answer/",
        after.cooling_off_consider,
        name="cooling_off_consider",
    ),
    path("meetings/<int:pk>/minutes/approve/", after.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/check/", after.check, name="check"),
    path("meetings/<int:pk>/check/answers/", after.check_answers, name="check_answers"),
    path(
        "projects/<int:project_pk>/meetings/checks/",
        after.project_checks,
        name="project_checks",
    ),
]
