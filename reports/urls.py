from django.urls import path

from . import evidence_views, exports, views

app_name = "reports"

urlpatterns = [
    path("meetings/<int:meeting_id>/pack/", views.pack_page, name="pack_page"),
    path("meetings/<int:meeting_id>/pack/html/", views.pack_html, name="pack_html"),
    path("meetings/<int:meeting_id>/pack/generate/", views.pack_generate, name="pack_generate"),
    path("meetings/<int:meeting_id>/pack/issue/", views.pack_issue, name="pack_issue"),
    path("pack-renders/<int:render_id>/", views.render_detail, name="render_detail"),
    path("pack-renders/<int:render_id>/retry/", views.render_retry, name="render_retry"),
    path("pack-renders/<int:render_id>/pdf/", views.render_download, name="render_download"),
    path("packs/<int:pack_id>/pdf/", views.pack_download, name="pack_download"),
    path("plans/<int:plan_id>/evidence-packs/", evidence_views.evidence_packs, name="evidence_packs"),
    path("plans/<int:plan_id>/evidence-packs/build/", evidence_views.evidence_pack_build, name="evidence_pack_build"),
    path("evidence-packs/<int:pack_id>/", evidence_views.evidence_pack_detail, name="evidence_pack_detail"),
    path("evidence-packs/<int:pack_id>/zip/", evidence_views.evidence_pack_download, name="evidence_pack_download"),
    path("plans/<int:plan_id>/rag-summary/", exports.rag_summary_download, name="rag_summary"),
    path("scrutiny/<int:review_id>/summary.<str:fmt>", exports.scrutiny_summary_download, name="scrutiny_summary"),
]
