from django.urls import path

from . import manage_views, views, workbook_views

app_name = "boards"

urlpatterns = [
    path("boards/", views.board_list, name="board_list"),
    path("boards/<int:board_id>/", views.board_detail, name="board_detail"),
    path("boards/<int:board_id>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("boards/new/", manage_views.board_create, name="board_create"),
    path("boards/<int:board_id>/members/", manage_views.board_members, name="board_members"),
    path("boards/<int:board_id>/members/add/", manage_views.board_member_add, name="board_member_add"),
    path("boards/<int:board_id>/members/<int:member_id>/", manage_views.board_member_edit, name="board_member_edit"),
    path("boards/<int:board_id>/members/<int:member_id>/remove/", manage_views.board_member_remove,
         name="board_member_remove"),
    path("boards/<int:board_id>/plans/", manage_views.board_plans, name="board_plans"),
    path("plans/<int:plan_id>/rounds/", views.round_list, name="round_list"),
    path("plans/<int:plan_id>/dashboard/", views.dashboard, name="dashboard"),
    path("plans/<int:plan_id>/scrutiny/", views.review_list, name="review_list"),
    path("plans/<int:plan_id>/scrutiny/new/", views.review_create, name="review_create"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/reminders/", views.round_send_reminders, name="round_send_reminders"),
    path("rounds/<int:round_id>/close/", views.round_close, name="round_close"),
    path("rounds/<int:round_id>/workbook/", workbook_views.round_workbook, name="round_workbook"),
    path("rounds/<int:round_id>/workbook/upload/", workbook_views.workbook_upload, name="workbook_upload"),
    path("workbooks/<int:upload_id>/", workbook_views.workbook_upload_detail, name="workbook_upload_detail"),
    path("workbooks/<int:upload_id>/confirm/", workbook_views.workbook_upload_confirm,
         name="workbook_upload_confirm"),
    path("meetings/<int:meeting_id>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:meeting_id>/notes/new/", views.note_create, name="note_create"),
    path("meetings/<int:meeting_id>/attention/new/", views.attention_add, name="attention_add"),
    path("meetings/<int:meeting_id>/decisions/new/", views.decision_create, name="decision_create"),
    path("meetings/<int:meeting_id>/follow-ups/new/", views.follow_up_create, name="follow_up_create"),
    path("follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
    path("notes/<int:note_id>/", views.note_detail, name="note_detail"),
    path("notes/<int:note_id>/answer/", views.note_respond, name="note_respond"),
    path("notes/<int:note_id>/status/", views.note_close, name="note_close"),
    path("notes/<int:note_id>/resolve/", views.note_resolve, name="note_resolve"),
    path("scrutiny/<int:review_id>/", views.review_detail, name="review_detail"),
    path("scrutiny/<int:review_id>/items/new/", views.assessment_edit, name="assessment_create"),
    path("scrutiny/<int:review_id>/items/<int:assessment_id>/", views.assessment_edit, name="assessment_edit"),
]
