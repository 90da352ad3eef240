"""Every URL pattern of the project, tried by every persona.

A new view without an entry in RULES makes ``test_every_url_pattern_has_a_rule`` fail, so no
page can be added without deciding who may use it. Expected answers: 200 (or a redirect after a
successful POST), 403 (may read the plan but not do this), 404 (may not know it exists), or a
redirect to sign in.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boards.models import Assessment, Board, BoardMember, FollowUp, Meeting, ReviewNote, ScrutinyReview, UpdateRound
from improvement.models import Evidence, Export
from reports.models import BoardPack, PackRender
from tests.conftest import client_for, status

PERSONAS = ["anonymous", "outsider", "viewer", "lead", "manager", "chair", "scrutiny"]
SIGN_IN = "sign-in"

# Shorthands: who gets what.
READ = {"anonymous": SIGN_IN, "outsider": 404, "default": 200}
OPEN = {"anonymous": SIGN_IN, "default": 200}  # lists showing only what the user may see


def only(*allowed, ok=200, denied=403):
    return {"anonymous": SIGN_IN, "outsider": 404, **dict.fromkeys(allowed, ok), "default": denied}


# url name: (method, args builder, expected by persona)
RULES = {
    "login": ("GET", lambda w: [], {"default": 302, "anonymous": 200}),
    "logout": ("POST", lambda w: [], {"default": 302}),
    "password_change": ("GET", lambda w: [], OPEN),
    "password_change_done": ("GET", lambda w: [], OPEN),
    "healthz": ("GET", lambda w: [], {"default": 200}),
    "admin:index": ("GET", lambda w: [], {"anonymous": 302, "manager": 200, "default": 302}),
    "improvement:plan_list": ("GET", lambda w: [], OPEN),
    "improvement:my_actions": ("GET", lambda w: [], OPEN),
    "improvement:plan_detail": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:theme_detail": ("GET", lambda w: [w["plan"].pk, w["theme"].pk], READ),
    "improvement:action_table": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:action_detail": ("GET", lambda w: [w["action"].pk], READ),
    "improvement:action_changes": ("GET", lambda w: [w["action"].pk], READ),
    "improvement:action_edit": ("GET", lambda w: [w["action"].pk], only("manager")),
    "improvement:import_start": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:import_new_plan": ("GET", lambda w: [], {"anonymous": SIGN_IN, "manager": 200, "default": 403}),
    "improvement:plan_export": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:import_template": ("GET", lambda w: [], OPEN),
    # An import is private to whoever uploaded it (the manager, here).
    "improvement:import_detail": ("GET", lambda w: [w["plan_import"].pk], {"anonymous": SIGN_IN, "manager": 200,
                                                                         "default": 404}),
    "improvement:import_mapping": ("POST", lambda w: [w["plan_import"].pk], {"anonymous": SIGN_IN, "manager": 302,
                                                                           "default": 404}),
    "improvement:import_confirm": ("POST", lambda w: [w["plan_import"].pk], {"anonymous": SIGN_IN, "manager": 302,
                                                                           "default": 404}),
    "improvement:record_update": ("GET", lambda w: [w["action"].pk], only("lead", "manager")),
    "improvement:evidence_download": ("GET", lambda w: [w["evidence"].pk], READ),
    # A background export is private to whoever asked for it (the manager, here).
    "improvement:export_detail": ("GET", lambda w: [w["export"].pk], {"anonymous": SIGN_IN, "manager": 200,
                                                                     "default": 404}),
    "improvement:export_download": ("GET", lambda w: [w["export"].pk], {"anonymous": SIGN_IN, "manager": 200,
                                                                       "default": 404}),
    "boards:board_list": ("GET", lambda w: [], OPEN),
    "boards:board_detail": ("GET", lambda w: [w["board"].pk], READ),
    "boards:meeting_create": ("GET", lambda w: [w["board"].pk], only("manager", "chair")),
    "boards:round_list": ("GET", lambda w: [w["plan"].pk], READ),
    "boards:dashboard": ("GET", lambda w: [w["plan"].pk], READ),
    "boards:review_list": ("GET", lambda w: [w["plan"].pk], READ),
    "boards:review_create": ("GET", lambda w: [w["plan"].pk], only("scrutiny")),
    "boards:round_detail": ("GET", lambda w: [w["round"].pk], READ),
    "boards:round_send_reminders": ("POST", lambda w: [w["round"].pk], only("manager", ok=302)),
    "boards:round_close": ("POST", lambda w: [w["round"].pk], only("manager", ok=302)),
    "boards:meeting_detail": ("GET", lambda w: [w["meeting"].pk], READ),
    "boards:note_create": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:attention_add": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:decision_create": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:follow_up_create": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:follow_up_done": ("POST", lambda w: [w["follow_up"].pk], only("manager", "chair", "lead", ok=302)),
    "boards:note_detail": ("GET", lambda w: [w["note"].pk], READ),
    "boards:note_respond": ("POST", lambda w: [w["note"].pk], only("lead", ok=400)),
    "boards:note_close": ("POST", lambda w: [w["note"].pk], only("manager", "chair", ok=302)),
    "boards:review_detail": ("GET", lambda w: [w["review"].pk], READ),
    "boards:assessment_create": ("GET", lambda w: [w["review"].pk], only("scrutiny")),
    "boards:assessment_edit": ("GET", lambda w: [w["review"].pk, w["assessment"].pk], only("scrutiny")),
    "reports:pack_page": ("GET", lambda w: [w["meeting"].pk], READ),
    "reports:pack_html": ("GET", lambda w: [w["meeting"].pk], READ),
    "reports:pack_generate": ("POST", lambda w: [w["meeting"].pk],
                              {"anonymous": SIGN_IN, "outsider": 404, "default": 302}),
    "reports:render_detail": ("GET", lambda w: [w["render"].pk], READ),
    "reports:render_retry": ("POST", lambda w: [w["render"].pk], only("manager", ok=302)),
    "reports:render_download": ("GET", lambda w: [w["pack_render"].pk], READ),
    "reports:pack_download": ("GET", lambda w: [w["pack"].pk], READ),
    "reports:rag_summary": ("GET", lambda w: [w["plan"].pk], READ),
    "reports:scrutiny_summary": ("GET", lambda w: [w["review"].pk, "csv"], READ),
}


def url_names(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            child = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                yield "admin:index"  # the admin's own pages are covered by test_admin.py
                continue
            yield from url_names(pattern, child)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_pattern_has_a_rule(db):
    missing = sorted(set(url_names()) - set(RULES))
    assert missing == [], f"views without a rule in the permission matrix: {missing}"


@pytest.fixture
def world(plan, theme, action, lead, manager, viewer, chair, scrutiny, board, scheme, recommendation, outsider):
    BoardMember.objects.create(board=board, user=manager, role="officer")
    manager.is_staff = True
    manager.save()
    from django.core.files.uploadedfile import SimpleUploadedFile

    evidence = Evidence(title="Audit", file=SimpleUploadedFile("audit.pdf", b"%PDF-1.4 audit"),
                        original_name="audit.pdf", content_type="application/pdf", size=14)
    action.record_update(status=status(scheme, "R"), note="Stalled", by=lead, evidence=[evidence])
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2012, 12, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))
    note = ReviewNote.objects.create(meeting=meeting, action=action, author=chair, kind="challenge", text="Why?")
    follow_up = FollowUp.objects.create(meeting=meeting, owner=lead, description="Report", due_date=datetime.date(2013, 1, 1))
    panel = Board.objects.create(name="Scrutiny panel", kind="scrutiny_panel")
    panel.plans.add(plan)
    review = ScrutinyReview.objects.create(board=panel, plan=plan, title="Review", scope="All",
                                           date=datetime.date(2012, 10, 1))
    assessment = Assessment.objects.create(review=review, number="1", requirement="r", conclusion="complete")
    pack = BoardPack.issue(meeting=meeting, pdf=b"%PDF-1.7 test", pages=1, by=manager)
    failed = PackRender.objects.create(meeting=meeting, purpose="issue", status="failed", error="x", requested_by=manager)
    ready = PackRender.objects.create(meeting=meeting, purpose="draft", status="ready", pdf=b"%PDF-1.7 draft", pages=1)
    from improvement.models import PlanImport
    from tests.importing.builders import duplicate_numbers_csv

    export = Export.objects.create(plan=plan, requested_by=manager, as_of=datetime.date(2012, 12, 20),
                                   filename="plan.xlsx", status="ready", rows=1)
    export.file.save("plan.xlsx", ContentFile(b"PK workbook"))
    plan_import = PlanImport.objects.create(plan=plan, uploaded_by=manager, filename="plan.csv",
                                            data=duplicate_numbers_csv()[1])
    users = {"outsider": outsider, "viewer": viewer, "lead": lead, "manager": manager, "chair": chair,
             "scrutiny": scrutiny, "anonymous": None}
    return {"plan": plan, "theme": theme, "action": action, "evidence": evidence, "board": board, "round": round_,
            "meeting": meeting, "note": note, "follow_up": follow_up, "review": review, "assessment": assessment,
            "pack": pack, "render": failed, "pack_render": ready, "plan_import": plan_import, "export": export,
            "users": users}


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_persona_gets_the_right_answer(world, name):
    # Requests run inside the test's transaction, so a queued render never starts here.
    method, build_args, expected = RULES[name]
    url = reverse(name, args=build_args(world))
    wrong = []
    for persona in PERSONAS:
        want = expected.get(persona, expected["default"])
        client = client_for(world["users"][persona])
        response = client.post(url) if method == "POST" else client.get(url)
        got = response.status_code
        signed_out = got == 302 and response.url.startswith(reverse("login"))
        ok = signed_out if want == SIGN_IN else got == want
        if not ok:
            wrong.append(f"{persona}: expected {want}, got {got}")
    assert wrong == [], f"{name} ({url}): " + "; ".join(wrong)
