"""A second organisation with everything the first has, for tests that try every URL across
organisations: a plan with a theme, an action with RAG history and evidence, posts and leads,
a board with a meeting, review notes and follow-ups, a scrutiny review, an import, an export,
an issued pack and renders, a webhook subscription, an evidence pack.

``populate`` adds the dependent objects to any plan; the permission matrix uses it for our
plan (with the personas of tests/conftest.py) and ``build_other_organisation`` for theirs.
"""

import datetime

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from api.models import ApiToken
from boards.models import (
    Assessment,
    Board,
    BoardMember,
    ExternalReview,
    FollowUp,
    Meeting,
    ReviewNote,
    ScrutinyReview,
    UpdateRound,
    WorkbookUpload,
)
from improvement.models import (
    Evidence,
    Export,
    Measure,
    MeasureImport,
    Organisation,
    Plan,
    PlanImport,
    PlanRole,
    Post,
    Recommendation,
    ReportImport,
    Source,
    Theme,
)
from notifications.models import Subscription
from publication.models import Publication, PublicationSettings, PublicSummary
from reports.models import BoardPack, EvidencePack, PackRender
from tests.conftest import make_action, make_user, status


def populate(*, plan, theme, action, lead, manager, chair, board, scheme):
    """Everything that hangs off a plan, made by its own people; returns the objects by name."""
    from tests.importing.builders import duplicate_numbers_csv

    evidence = Evidence(title="Audit", file=SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit"),
                        original_name="audit.pdf", content_type="application/pdf", size=14)
    action.record_update(status=status(scheme, "R"), note="Stalled", by=lead, evidence=[evidence])
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2012, 12, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))
    note = ReviewNote.objects.create(meeting=meeting, action=action, author=chair, kind="challenge", text="Why?")
    follow_up = FollowUp.objects.create(meeting=meeting, owner=lead, description="Report",
                                        due_date=datetime.date(2013, 1, 1))
    panel = Board.objects.create(name=f"Scrutiny panel of {plan.name}", kind="scrutiny_panel")
    panel.plans.add(plan)
    review = ScrutinyReview.objects.create(board=panel, plan=plan, title="Review", scope="All",
                                           date=datetime.date(2012, 10, 1))
    assessment = Assessment.objects.create(review=review, number="1", requirement="r", conclusion="complete")
    pack = BoardPack.issue(meeting=meeting, pdf=b"%PDF-1.7 test", pages=1, by=manager)
    failed = PackRender.objects.create(meeting=meeting, purpose="issue", status="failed", error="x",
                                       requested_by=manager)
    ready = PackRender.objects.create(meeting=meeting, purpose="draft", status="ready", pdf=b"%PDF-1.7 draft",
                                      pages=1)
    export = Export.objects.create(plan=plan, requested_by=manager, as_of=datetime.date(2012, 12, 20),
                                   filename="plan.xlsx", status="ready", rows=1)
    export.file.save("plan.xlsx", ContentFile(b"PK workbook"))
    plan_import = PlanImport.objects.create(plan=plan, uploaded_by=manager, filename="plan.csv",
                                            data=duplicate_numbers_csv()[1])
    measure_import = MeasureImport.objects.create(
        plan=plan, uploaded_by=manager, filename="scorecard.csv",
        sheets=[{"name": "scorecard", "rows": [["measure", "period", "value"]]}])
    report_import = ReportImport.objects.create(
        plan=plan, uploaded_by=manager, filename="report.pdf", data=b"%PDF-1.7", key="Ofsted 2026",
        kind=Source.Kind.OFSTED_INSPECTION, title="Inspection report",
        lines=[[1, "text", "Recommendations"], [1, "text", "1. Improve supervision."]])
    workbook_upload = WorkbookUpload.objects.create(round=round_, uploaded_by=manager, filename="updates.xlsx",
                                                    sheets=[])
    measure = Measure.objects.create(plan=plan, name="Children seen within timescale", owner=action.lead_posts.first(),
                                     baseline_date=datetime.date(2012, 9, 1), baseline_value=36)
    measure.record_value(period=plan.current_period, value="50", by=lead)
    api_token, _key = ApiToken.issue(owner=manager, name="Power BI", plans=[plan],
                                     expires_at=timezone.now() + datetime.timedelta(days=30))
    recommendation = Recommendation.objects.filter(source__plan=plan).select_related("source").first()
    external_review = None
    if recommendation is not None:
        source = recommendation.source
        source.document_name = "letter.pdf"
        source.document.save("letter.pdf", ContentFile(b"%PDF-1.4 letter"))
        external_review = ExternalReview.objects.create(
            plan=plan, kind="monitoring_visit", title="Monitoring visit 1", date=datetime.date(2012, 11, 20),
            reviewer_organisation="Ofsted", source=source,
            scale=[{"label": "Not yet met", "band": "not_met"}, {"label": "Met", "band": "met"}])
        external_review.record_finding(recommendation=recommendation, judgement="Met", comment="Seen", by=manager)
    subscription = Subscription.objects.create(plan=plan, name="Board channel", kind="json", created_by=manager,
                                               url="https://hooks.example.org/plan", events=["pack.issued"])
    evidence_pack = EvidencePack(plan=plan, as_at=datetime.date(2012, 12, 17), requested_by=manager, status="ready",
                                 version=1, checksum="0" * 64, size=11, recommendations=1, evidence_files=1)
    evidence_pack.file.save("pack.zip", ContentFile(b"PK evidence"), save=False)
    evidence_pack.save()
    # Its public page (published, one snapshot) and a public summary awaiting approval (publication/).
    public, _ = PublicationSettings.objects.get_or_create(plan=plan, defaults={"public_slug": plan.slug})
    PublicationSettings.objects.filter(pk=public.pk).update(is_published=True)
    if not plan.publications.exists():
        Publication.objects.create(plan=plan, version=1, approved_by=manager, content={"entries": []})
    public_summary, _ = PublicSummary.objects.get_or_create(
        theme=theme, defaults={"plan": plan, "kind": "theme", "title_en": "Public", "summary_en": "Public",
                               "status": "done", "state": "submitted", "written_by": manager, "edited_by": manager})
    return {"public_slug": public.public_slug, "public_summary": public_summary,
            "subscription": subscription, "evidence_pack": evidence_pack, "measure": measure, "plan": plan,
            "theme": theme, "action": action, "evidence": evidence, "board": board, "round": round_,
            "meeting": meeting, "note": note, "follow_up": follow_up, "review": review, "assessment": assessment,
            "pack": pack, "render": failed, "pack_render": ready, "plan_import": plan_import, "export": export,
            "measure_import": measure_import, "report_import": report_import, "external_review": external_review,
            "workbook_upload": workbook_upload, "api_token": api_token,
            "recommendation": recommendation, "source": recommendation.source if recommendation else None,
            "objective": theme.objectives.first(),
            "milestone": action.milestones.first(), "post": action.lead_posts.first(),
            "plan_role": plan.roles.exclude(role=PlanRole.Role.MANAGER).first() or plan.roles.first(),
            "board_member": board.members.exclude(user=manager).first()}


def build_other_organisation(scheme, *, name="Northshire Council", slug="northshire"):
    """Another council's plan and people: its manager is staff (as plan managers once were),
    officer of its board, and has no role on ours."""
    council = Organisation.objects.create(name=name)
    plan = Plan.objects.create(organisation=council, name=f"{name} improvement plan", slug=slug, rag_scheme=scheme,
                               current_period=datetime.date(2012, 12, 1))
    theme = Theme.objects.create(plan=plan, code="1", title="Their governance", position=1)
    theme.objectives.create(code="1.1", title="Their objective")
    post = Post.objects.create(organisation=council, title="Their Head of Service")
    lead = make_user(f"{slug}-lead", council)
    post.holders.add(lead)
    manager = make_user(f"{slug}-manager", council, is_staff=True)
    PlanRole.objects.create(plan=plan, user=manager, role=PlanRole.Role.MANAGER)
    chair = make_user(f"{slug}-chair", council)
    board = Board.objects.create(name=f"{name} Improvement Board", kind=Board.Kind.IMPROVEMENT_BOARD)
    board.plans.add(plan)
    BoardMember.objects.create(board=board, user=chair, role="chair")
    BoardMember.objects.create(board=board, user=manager, role="officer")
    source = Source.objects.create(plan=plan, key="OIS 2013", kind=Source.Kind.OFSTED_INSPECTION,
                                   title="Their inspection", published=datetime.date(2013, 1, 31))
    recommendation = Recommendation.objects.create(source=source, reference="2.1", text="Their recommendation")
    action = make_action(theme, "1.1", leads=[post], due_date=datetime.date(2013, 3, 31),
                         description="Their action")
    action.recommendations.add(recommendation)
    action.milestones.create(title="Their milestone", due_date=datetime.date(2013, 2, 1))
    world = populate(plan=plan, theme=theme, action=action, lead=lead, manager=manager, chair=chair, board=board,
                     scheme=scheme)
    world["users"] = {"manager": manager, "lead": lead, "chair": chair}
    return world
