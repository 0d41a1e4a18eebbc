"""Staff pages for the case workflow (program sites)."""

from django.urls import path

from workflow.web import bans, case_views, incident, participants

urlpatterns = [
    path("incidents/new/", incident.record_incident, name="record_incident"),
    path("cases/", case_views.case_list, name="case_list"),
    path("cases/<int:pk>/", case_views.case_detail, name="case_detail"),
    path("cases/<int:pk>/steps/<slug:step>/", case_views.case_step, name="case_step"),
    path("cases/<int:pk>/steps/<slug:step>/<int:item>/", case_views.case_step, name="case_step"),
    path("cases/<int:pk>/timeline/", case_views.timeline, name="case_timeline"),
    path("cases/<int:pk>/record/", case_views.case_record, name="case_record"),
    path(
        "cases/<int:pk>/notices/<int:notice_id>/print/",
        case_views.notice_print,
        name="notice_print",
    ),
    path(
        "cases/<int:pk>/evidence/<uuid:evidence_id>/",
        case_views.evidence_download,
        name="evidence_download",
    ),
    path(
        "cases/<int:pk>/evidence/<uuid:evidence_id>/preview/",
        case_views.evidence_preview,
        name="evidence_preview",
    ),
    path("door/", bans.door_list, name="door_list"),
    path("bans/<int:pk>/letter/", bans.ban_letter, name="ban_letter"),
    path("participants/", participants.participant_list, name="participant_list"),
    path("participants/suggest/", participants.participant_suggest, name="participant_suggest"),
    path("participants/<int:pk>/", participants.participant_detail, name="participant_detail"),
]
