"""Every URL pattern of the project, tried by every persona, with our ids and with another
organisation's (tests/crossorg.py); and every admin URL, which only administrators may use.

A new view without an entry in RULES makes ``test_every_url_pattern_has_a_rule`` fail, so no
page can be added without deciding who may use it. Expected answers: 200 (or a redirect after a
successful POST), 403 (may read the plan but not do this), 404 (may not know it exists), or a
redirect to sign in.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boards.models import BoardMember
from improvement.models import User
from tests.conftest import client_for
from tests.crossorg import build_other_organisation, populate

# other_manager: another organisation's plan manager (staff, a board officer there).
# reviewer: an external reviewer named on our plan (an inspector): reads it, records findings, nothing else.
PERSONAS = ["anonymous", "outsider", "other_manager", "viewer", "lead", "manager", "chair", "scrutiny", "reviewer"]
SIGN_IN = "sign-in"

# Shorthands: who gets what.
READ = {"anonymous": SIGN_IN, "outsider": 404, "default": 200}
OPEN = {"anonymous": SIGN_IN, "default": 200}  # lists showing only what the user may see


def only(*allowed, ok=200, denied=403):
    return {"anonymous": SIGN_IN, "outsider": 404, **dict.fromkeys(allowed, ok), "default": denied}


def _crosswalk_id():
    """Crosswalks belong to no plan: the framework files' (loaded once for the test)."""
    from improvement.criteria import load_frameworks
    from improvement.models import Crosswalk

    if not Crosswalk.objects.exists():
        load_frameworks()
    return Crosswalk.objects.order_by("pk").first().pk


# url name: (method, args builder, expected by persona)
RULES = {
    "login": ("GET", lambda w: [], {"default": 302, "anonymous": 200}),
    "logout": ("POST", lambda w: [], {"default": 302}),
    "password_change": ("GET", lambda w: [], OPEN),
    "password_change_done": ("GET", lambda w: [], OPEN),
    "healthz": ("GET", lambda w: [], {"default": 200}),
    # The language switch takes a POST from anyone, signed in or not, and returns to the page.
    "set_language": ("POST", lambda w: [], {"default": 302}),
    # Sign-in with a provider is open to anyone; one that OIDC_PROVIDERS does not name is not found
    # (tests/identity/ signs in with real providers).
    "identity:sign_in_with": ("GET", lambda w: ["not-configured"], {"default": 404}),
    "identity:callback": ("GET", lambda w: ["not-configured"], {"default": 404}),
    # Two-factor authentication (mfa/): the code step after a password, for nobody without one
    # pending; each person's own pages, which send those with no app to set up back to the overview.
    "mfa:verify": ("GET", lambda w: [], {"anonymous": SIGN_IN, "default": 302}),
    "mfa:overview": ("GET", lambda w: [], OPEN),
    "mfa:setup": ("GET", lambda w: [], OPEN),
    "mfa:recovery_codes": ("GET", lambda w: [], {"anonymous": SIGN_IN, "default": 302}),
    "mfa:recovery_codes_new": ("POST", lambda w: [], {"anonymous": SIGN_IN, "default": 302}),
    "mfa:remove": ("GET", lambda w: [], {"anonymous": SIGN_IN, "default": 302}),
    # Password recovery, open to anyone: a reset link's own token is its credential (a wrong one
    # is a page saying the link does not work).
    "mfa:password_reset": ("GET", lambda w: [], {"default": 200}),
    "mfa:password_reset_sent": ("GET", lambda w: [], {"default": 200}),
    "mfa:password_reset_complete": ("GET", lambda w: [], {"default": 200}),
    "mfa:password_reset_confirm": ("GET", lambda w: ["MQ", "not-a-token"], {"default": 200}),
    # The pages a council must publish, readable by anyone, signed in or not.
    "improvement:account": ("GET", lambda w: [], OPEN),
    "improvement:accessibility": ("GET", lambda w: [], {"default": 200}),
    "improvement:privacy": ("GET", lambda w: [], {"default": 200}),
    "improvement:cookies": ("GET", lambda w: [], {"default": 200}),
    "admin:index": ("GET", lambda w: [], {"default": 302}),  # administrators only: see below
    "improvement:plan_list": ("GET", lambda w: [], OPEN),
    "improvement:my_actions": ("GET", lambda w: [], OPEN),
    "improvement:plan_detail": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:theme_detail": ("GET", lambda w: [w["plan"].pk, w["theme"].pk], READ),
    "improvement:action_table": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:action_detail": ("GET", lambda w: [w["action"].pk], READ),
    "improvement:action_changes": ("GET", lambda w: [w["action"].pk], READ),
    "improvement:action_edit": ("GET", lambda w: [w["action"].pk], only("manager")),
    "improvement:import_start": ("GET", lambda w: [w["plan"].pk], only("manager")),
    # Plan managers' pages for the plan's structure (improvement/manage_views.py).
    "improvement:plan_manage": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:plan_edit": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:theme_list": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:theme_create": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:theme_edit": ("GET", lambda w: [w["plan"].pk, w["theme"].pk], only("manager")),
    "improvement:theme_delete": ("GET", lambda w: [w["plan"].pk, w["theme"].pk], only("manager")),
    "improvement:objective_create": ("GET", lambda w: [w["plan"].pk, w["theme"].pk], only("manager")),
    "improvement:objective_edit": ("GET", lambda w: [w["plan"].pk, w["theme"].pk, w["objective"].pk],
                                   only("manager")),
    "improvement:objective_delete": ("GET", lambda w: [w["plan"].pk, w["theme"].pk, w["objective"].pk],
                                     only("manager")),
    "improvement:action_create": ("GET", lambda w: [w["plan"].pk], only("manager")),
    # The world's action has RAG history, so the manager is told why it cannot be deleted.
    "improvement:action_delete": ("POST", lambda w: [w["action"].pk], only("manager", ok=409)),
    "improvement:milestone_create": ("GET", lambda w: [w["action"].pk], only("manager")),
    "improvement:milestone_edit": ("GET", lambda w: [w["action"].pk, w["milestone"].pk], only("manager")),
    "improvement:milestone_delete": ("GET", lambda w: [w["action"].pk, w["milestone"].pk], only("manager")),
    "improvement:source_list": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:source_create": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:source_edit": ("GET", lambda w: [w["plan"].pk, w["source"].pk], only("manager")),
    "improvement:source_delete": ("GET", lambda w: [w["plan"].pk, w["source"].pk], only("manager")),
    "improvement:recommendation_create": ("GET", lambda w: [w["plan"].pk, w["source"].pk], only("manager")),
    "improvement:recommendation_edit": ("GET", lambda w: [w["plan"].pk, w["source"].pk, w["recommendation"].pk],
                                        only("manager")),
    "improvement:recommendation_delete": ("GET", lambda w: [w["plan"].pk, w["source"].pk,
                                                            w["recommendation"].pk], only("manager")),
    # Framework criteria (improvement/framework_views.py): the report is for readers, re-mapping for managers.
    "improvement:criteria_report": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:criteria_remap_list": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:criteria_remap": ("GET", lambda w: [w["plan"].pk, _crosswalk_id()], only("manager")),
    "improvement:import_new_plan": ("GET", lambda w: [], {"anonymous": SIGN_IN, "manager": 200, "other_manager": 200,
                                                          "default": 403}),
    "improvement:plan_export": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:import_template": ("GET", lambda w: [], OPEN),
    # An import is private to whoever uploaded it (the manager, here).
    "improvement:import_detail": ("GET", lambda w: [w["plan_import"].pk], {"anonymous": SIGN_IN, "manager": 200,
                                                                         "default": 404}),
    "improvement:import_mapping": ("POST", lambda w: [w["plan_import"].pk], {"anonymous": SIGN_IN, "manager": 302,
                                                                           "default": 404}),
    "improvement:import_confirm": ("POST", lambda w: [w["plan_import"].pk], {"anonymous": SIGN_IN, "manager": 302,
                                                                           "default": 404}),
    # Measures: import. Managers upload; an upload is private to whoever made it (the manager, here).
    "improvement:measure_import": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:measure_import_detail": ("GET", lambda w: [w["measure_import"].pk],
                                          {"anonymous": SIGN_IN, "manager": 200, "default": 404}),
    "improvement:measure_import_indicator": ("POST", lambda w: [w["measure_import"].pk],
                                             {"anonymous": SIGN_IN, "manager": 302, "default": 404}),
    "improvement:measure_import_confirm": ("POST", lambda w: [w["measure_import"].pk],
                                           {"anonymous": SIGN_IN, "manager": 302, "default": 404}),
    # Recommendations from an inspection report: managers upload; an upload is private to whoever made it.
    "improvement:report_import_start": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:report_import_detail": ("GET", lambda w: [w["report_import"].pk],
                                         {"anonymous": SIGN_IN, "manager": 200, "default": 404}),
    "improvement:report_import_confirm": ("POST", lambda w: [w["report_import"].pk],
                                          {"anonymous": SIGN_IN, "manager": 302, "default": 404}),
    "improvement:record_update": ("GET", lambda w: [w["action"].pk], only("lead", "manager")),
    # Measures: the scorecard and measure pages are the plan's readers'; a measure's owner (the
    # lead, here) and the plan's managers record its values.
    "improvement:measure_list": ("GET", lambda w: [w["plan"].pk], READ),
    "improvement:measure_detail": ("GET", lambda w: [w["measure"].pk], READ),
    "improvement:measure_record_value": ("GET", lambda w: [w["measure"].pk], only("lead", "manager")),
    # Measures: only the plan's managers define them (the lead, their owner, may read but not change them).
    "improvement:measure_create": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:measure_edit": ("GET", lambda w: [w["measure"].pk], only("manager")),
    "improvement:measure_delete": ("GET", lambda w: [w["measure"].pk], only("manager")),
    "improvement:measure_comparators": ("GET", lambda w: [w["measure"].pk], only("manager")),
    "improvement:evidence_download": ("GET", lambda w: [w["evidence"].pk], READ),
    # A background export is private to whoever asked for it (the manager, here).
    "improvement:export_detail": ("GET", lambda w: [w["export"].pk], {"anonymous": SIGN_IN, "manager": 200,
                                                                     "default": 404}),
    "improvement:export_download": ("GET", lambda w: [w["export"].pk], {"anonymous": SIGN_IN, "manager": 200,
                                                                       "default": 404}),
    "improvement:post_list": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:post_create": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:post_edit": ("GET", lambda w: [w["plan"].pk, w["post"].pk], only("manager")),
    "improvement:post_delete": ("GET", lambda w: [w["plan"].pk, w["post"].pk], only("manager")),
    "improvement:plan_roles": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "improvement:plan_role_add": ("POST", lambda w: [w["plan"].pk], only("manager", ok=400)),
    "improvement:plan_role_remove": ("GET", lambda w: [w["plan"].pk, w["plan_role"].pk], only("manager")),
    "boards:board_list": ("GET", lambda w: [], OPEN),
    "boards:board_detail": ("GET", lambda w: [w["board"].pk], READ),
    "boards:meeting_create": ("GET", lambda w: [w["board"].pk], only("manager", "chair")),
    # The board's chair and officers (the manager is its officer here) maintain it.
    "boards:board_members": ("GET", lambda w: [w["board"].pk], only("manager", "chair")),
    "boards:board_member_add": ("POST", lambda w: [w["board"].pk], only("manager", "chair", ok=400)),
    "boards:board_member_edit": ("GET", lambda w: [w["board"].pk, w["board_member"].pk], only("manager", "chair")),
    "boards:board_member_remove": ("GET", lambda w: [w["board"].pk, w["board_member"].pk],
                                   only("manager", "chair")),
    "boards:board_plans": ("GET", lambda w: [w["board"].pk], only("manager", "chair")),
    "boards:board_create": ("GET", lambda w: [], {"anonymous": SIGN_IN, "manager": 200, "other_manager": 200, "default": 403}),
    "boards:round_list": ("GET", lambda w: [w["plan"].pk], READ),
    "boards:dashboard": ("GET", lambda w: [w["plan"].pk], READ),
    "boards:review_list": ("GET", lambda w: [w["plan"].pk], READ),
    "boards:review_create": ("GET", lambda w: [w["plan"].pk], only("scrutiny")),
    "boards:round_detail": ("GET", lambda w: [w["round"].pk], READ),
    "boards:round_send_reminders": ("POST", lambda w: [w["round"].pk], only("manager", ok=302)),
    "boards:round_close": ("POST", lambda w: [w["round"].pk], only("manager", ok=302)),  # GET: its confirmation
    # The offline workbook: the plan's action leads (their own actions) and managers; an upload is
    # private to whoever made it (the manager, here).
    "boards:round_workbook": ("GET", lambda w: [w["round"].pk], only("manager", "lead")),
    "boards:workbook_upload": ("GET", lambda w: [w["round"].pk], only("manager", "lead")),
    "boards:workbook_upload_detail": ("GET", lambda w: [w["workbook_upload"].pk],
                                      {"anonymous": SIGN_IN, "manager": 200, "default": 404}),
    "boards:workbook_upload_confirm": ("POST", lambda w: [w["workbook_upload"].pk],
                                       {"anonymous": SIGN_IN, "manager": 302, "default": 404}),
    "boards:meeting_detail": ("GET", lambda w: [w["meeting"].pk], READ),
    "boards:note_create": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:attention_add": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:decision_create": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:follow_up_create": ("POST", lambda w: [w["meeting"].pk], only("manager", "chair", ok=400)),
    "boards:follow_up_done": ("POST", lambda w: [w["follow_up"].pk], only("manager", "chair", "lead", ok=302)),
    "boards:note_detail": ("GET", lambda w: [w["note"].pk], READ),
    "boards:note_respond": ("POST", lambda w: [w["note"].pk], only("lead", ok=400)),
    "boards:note_close": ("POST", lambda w: [w["note"].pk], only("manager", "chair", ok=302)),
    # Resolving needs a reason: an empty POST shows the page again with the error.
    "boards:note_resolve": ("POST", lambda w: [w["note"].pk], only("manager", "chair", ok=400)),
    "boards:review_detail": ("GET", lambda w: [w["review"].pk], READ),
    "boards:assessment_create": ("GET", lambda w: [w["review"].pk], only("scrutiny")),
    "boards:assessment_edit": ("GET", lambda w: [w["review"].pk, w["assessment"].pk], only("scrutiny")),
    # Assurance: every reader sees it; the plan's external reviewers and managers record reviews and findings.
    "boards:assurance": ("GET", lambda w: [w["plan"].pk], READ),
    "boards:recommendation_detail": ("GET", lambda w: [w["plan"].pk, w["recommendation"].pk], READ),
    "boards:external_review_create": ("GET", lambda w: [w["plan"].pk], only("manager", "reviewer")),
    "boards:external_review_detail": ("GET", lambda w: [w["external_review"].pk], READ),
    "boards:finding_create": ("GET", lambda w: [w["external_review"].pk], only("manager", "reviewer")),
    "boards:source_document": ("GET", lambda w: [w["source"].pk], READ),
    "reports:pack_page": ("GET", lambda w: [w["meeting"].pk], READ),
    "reports:pack_html": ("GET", lambda w: [w["meeting"].pk], READ),
    "reports:pack_generate": ("POST", lambda w: [w["meeting"].pk],
                              {"anonymous": SIGN_IN, "outsider": 404, "default": 302}),
    "reports:pack_issue": ("POST", lambda w: [w["meeting"].pk], only("manager", ok=302)),  # GET: its confirmation
    "reports:render_detail": ("GET", lambda w: [w["render"].pk], READ),
    "reports:render_retry": ("POST", lambda w: [w["render"].pk], only("manager", ok=302)),
    "reports:render_download": ("GET", lambda w: [w["pack_render"].pk], READ),
    "reports:pack_download": ("GET", lambda w: [w["pack"].pk], READ),
    # Evidence packs: every reader sees and downloads them (a pack with the managers' draft
    # self-evaluation is the managers' alone: tests/reports/test_evidence_pack_views.py); only the
    # plan's managers build one (an empty form is shown again with its errors).
    "reports:evidence_packs": ("GET", lambda w: [w["plan"].pk], READ),
    "reports:evidence_pack_build": ("POST", lambda w: [w["plan"].pk], only("manager", ok=400)),
    "reports:evidence_pack_detail": ("GET", lambda w: [w["evidence_pack"].pk], READ),
    "reports:evidence_pack_download": ("GET", lambda w: [w["evidence_pack"].pk], READ),
    "reports:rag_summary": ("GET", lambda w: [w["plan"].pk], READ),
    "reports:scrutiny_summary": ("GET", lambda w: [w["review"].pk, "csv"], READ),
    # Webhook subscriptions (notifications/views.py): the plan's managers only (its page shows the signing secret).
    "notifications:subscription_list": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "notifications:subscription_create": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "notifications:subscription_detail": ("GET", lambda w: [w["subscription"].pk], only("manager")),
    "notifications:subscription_edit": ("GET", lambda w: [w["subscription"].pk], only("manager")),
    "notifications:subscription_new_secret": ("POST", lambda w: [w["subscription"].pk], only("manager", ok=302)),
    "notifications:subscription_test": ("POST", lambda w: [w["subscription"].pk], only("manager", ok=302)),
    "notifications:subscription_delete": ("GET", lambda w: [w["subscription"].pk], only("manager")),
    # API tokens (api/token_views.py): everyone's own; another's token is not found. The schema is public.
    "api:token_list": ("GET", lambda w: [], OPEN),
    "api:token_revoke": ("GET", lambda w: [w["api_token"].pk], {"anonymous": SIGN_IN, "manager": 200, "default": 404}),
    "api:schema": ("GET", lambda w: [], {"default": 200}),
    # Publication (publication/): managers write public summaries and set publication up; the plan's
    # publication approvers (no persona here: tests/publication/ has them) approve; the public page
    # and its feed are anyone's, signed in or not.
    "publication:overview": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "publication:settings": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "publication:switch_off": ("POST", lambda w: [w["plan"].pk], only("manager", ok=302)),
    "publication:write_intro": ("GET", lambda w: [w["plan"].pk], only("manager")),
    "publication:write_theme": ("GET", lambda w: [w["plan"].pk, w["theme"].pk], only("manager")),
    "publication:write_recommendation": ("GET", lambda w: [w["plan"].pk, w["recommendation"].pk], only("manager")),
    "publication:review": ("GET", lambda w: [w["plan"].pk, w["public_summary"].pk], only()),
    "publication:approve": ("POST", lambda w: [w["plan"].pk, w["public_summary"].pk], only()),
    "publication:send_back": ("GET", lambda w: [w["plan"].pk, w["public_summary"].pk], only()),
    "publication:approvals": ("GET", lambda w: [], OPEN),
    "publication:public_page": ("GET", lambda w: [w["public_slug"]], {"default": 200}),
    "publication:public_page_in": ("GET", lambda w: [w["public_slug"], "cy"], {"default": 200}),
    "publication:feed": ("GET", lambda w: [w["public_slug"]], {"default": 200}),
}

# The read API (api/views.py): a token per persona, for every plan the persona may read, in the
# Authorization header; no session. "anonymous" sends no token: 401, never the sign-in page.
TABLE = {"anonymous": 401, "default": 200}  # rows of only what the token may read
API_READ = {"anonymous": 401, "outsider": 404, "default": 200}
API_TABLES = ["plan", "theme", "action", "update", "period_summary", "period_count", "meeting", "assessment",
              "measure", "measure_value"]
API_RULES = {
    **{f"api:{table}_{kind}": (lambda w: [], TABLE) for table in API_TABLES for kind in ("list", "csv")},
    "api:plan_detail": (lambda w: [w["plan"].pk], API_READ),
    "api:attention_list": (lambda w: [w["meeting"].pk], API_READ),
    "api:attention_csv": (lambda w: [w["meeting"].pk], API_READ),
}


# Pages about no object in particular (their own content is scoped to the user).
def _needs_objects(build_args) -> bool:
    """Whether the URL is built from the world's objects (constant arguments, such as a provider's
    id, name none of an organisation's)."""
    try:
        build_args({})
    except KeyError:
        return True
    return False


# URLs whose arguments are a token of their own, not an object of either organisation.
TOKENS_NOT_OBJECTS = {"mfa:password_reset_confirm"}
# Public pages: anyone reads any published plan's, whichever organisation's it is.
PUBLIC_PAGES = {"publication:public_page", "publication:public_page_in", "publication:feed"}
WITHOUT_OBJECTS = {name for name, (_method, build_args, _expected) in RULES.items()
                   if not _needs_objects(build_args)} | TOKENS_NOT_OBJECTS | PUBLIC_PAGES


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
    missing = sorted(set(url_names()) - set(RULES) - set(API_RULES))
    assert missing == [], f"views without a rule in the permission matrix: {missing}"


@pytest.fixture
def world(plan, theme, action, lead, manager, viewer, chair, scrutiny, reviewer, board, scheme, recommendation,
          outsider):
    BoardMember.objects.create(board=board, user=manager, role="officer")
    manager.is_staff = True  # staff, as plan managers once were: it must give nothing
    manager.save()
    theme.objectives.create(code="1.1", title="Our objective")
    action.recommendations.add(recommendation)
    action.milestones.create(title="Our milestone", due_date=datetime.date(2013, 1, 15))
    ours = populate(plan=plan, theme=theme, action=action, lead=lead, manager=manager, chair=chair, board=board,
                    scheme=scheme)
    theirs = build_other_organisation(scheme)
    ours["users"] = {"outsider": outsider, "viewer": viewer, "lead": lead, "manager": manager, "chair": chair,
                     "scrutiny": scrutiny, "reviewer": reviewer, "anonymous": None, "other_manager": theirs["users"]["manager"]}
    ours["theirs"] = theirs
    return ours


def expected_for(expected, persona):
    """Another organisation's staff plan manager is an outsider to our plan."""
    if persona in expected:
        return expected[persona]
    if persona == "other_manager" and "outsider" in expected:
        return expected["outsider"]
    return expected["default"]


def answer_is(response, want) -> bool:
    if want == SIGN_IN:
        return response.status_code == 302 and response.url.startswith(reverse("login"))
    return response.status_code == want


@pytest.mark.parametrize("name", sorted(RULES))
def test_each_persona_gets_the_right_answer(world, name):
    # Requests run inside the test's transaction, so a queued render never starts here.
    method, build_args, expected = RULES[name]
    url = reverse(name, args=build_args(world))
    wrong = []
    for persona in PERSONAS:
        want = expected_for(expected, persona)
        client = client_for(world["users"][persona])
        response = client.post(url) if method == "POST" else client.get(url)
        if not answer_is(response, want):
            wrong.append(f"{persona}: expected {want}, got {response.status_code}")
    assert wrong == [], f"{name} ({url}): " + "; ".join(wrong)


@pytest.mark.parametrize("name", sorted(name for name in RULES if name not in WITHOUT_OBJECTS))
def test_nobody_reaches_another_organisations_objects(world, name):
    """Every URL with another organisation's ids: 404 for each of our personas, whatever their
    role on our plan (they may not know it exists)."""
    method, build_args, _expected = RULES[name]
    url = reverse(name, args=build_args(world["theirs"]))
    wrong = []
    for persona in PERSONAS:
        if persona == "other_manager":
            continue  # theirs
        want = SIGN_IN if persona == "anonymous" else 404
        client = client_for(world["users"][persona])
        response = client.post(url) if method == "POST" else client.get(url)
        if not answer_is(response, want):
            wrong.append(f"{persona}: expected {want}, got {response.status_code}")
    assert wrong == [], f"{name} ({url}): " + "; ".join(wrong)


def api_client_for(user):
    """A client with no session, sending a token of ``user`` for every plan they may read."""
    from django.test import Client

    from tests.api.conftest import issue_token

    return Client(headers={"Authorization": f"Bearer {issue_token(user)[1]}"} if user is not None else {})


@pytest.mark.parametrize("name", sorted(API_RULES))
def test_each_persona_gets_the_right_answer_from_the_api_with_their_token(world, name):
    build_args, expected = API_RULES[name]
    url = reverse(name, args=build_args(world))
    wrong = []
    for persona in PERSONAS:
        want = expected_for(expected, persona)
        user = world["users"][persona]
        response = api_client_for(user).get(url)
        if response.status_code != want:
            wrong.append(f"{persona}: expected {want}, got {response.status_code}")
        if user is not None and client_for(user).get(url).status_code != 401:
            wrong.append(f"{persona}: signed in without a token, expected 401")
    assert wrong == [], f"{name} ({url}): " + "; ".join(wrong)


@pytest.mark.parametrize("name", sorted(API_RULES))
def test_no_token_reaches_another_organisations_objects(world, name):
    """Their plan or meeting by id, or their plan as a filter of a table: 404 for each of our
    personas' tokens."""
    build_args, _expected = API_RULES[name]
    theirs = world["theirs"]
    args = build_args(theirs)
    url = reverse(name, args=args) + ("" if args else f"?plan={theirs['plan'].pk}")
    wrong = []
    for persona in PERSONAS:
        if persona in ("other_manager", "anonymous"):
            continue
        response = api_client_for(world["users"][persona]).get(url)
        if response.status_code != 404:
            wrong.append(f"{persona}: expected 404, got {response.status_code}")
    assert wrong == [], f"{name} ({url}): " + "; ".join(wrong)


def admin_urls(world):
    """Every admin page of every registered model: list, add, and for an object of each
    organisation its change, history, delete and view-on-site pages."""
    yield reverse("admin:index")
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        yield reverse("admin:{}_{}_changelist".format(*info))
        yield reverse("admin:{}_{}_add".format(*info))
        objects = model._default_manager.order_by("pk")
        for obj in {objects.first(), objects.last()} - {None}:
            for page in ("change", "history", "delete"):
                yield reverse("admin:{}_{}_{}".format(*info, page), args=[obj.pk])
            if hasattr(obj, "get_absolute_url"):
                content_type = ContentType.objects.get_for_model(model)
                yield reverse("admin:view_on_site", args=[content_type.pk, obj.pk])


def test_the_admin_is_for_administrators_only(world):
    """Every persona, our plan manager and another organisation's staff plan manager included,
    is sent to a sign-in page from every admin URL, with ids from both organisations."""
    urls = list(admin_urls(world))
    assert len(urls) > 100
    wrong = []
    for persona in PERSONAS:
        client = client_for(world["users"][persona])
        sign_in = (reverse("login"), reverse("admin:login")) if persona == "anonymous" else reverse("admin:login")
        for url in urls:
            response = client.get(url)
            if not (response.status_code == 302 and response.url.startswith(sign_in)):
                wrong.append(f"{persona} {url}: {response.status_code}")
    assert wrong == []


def test_an_administrator_can_open_every_admin_page(world):
    administrator = User.objects.create_superuser("administrator", password="not-used-in-tests")
    client = client_for(administrator)
    failures = []
    for url in admin_urls(world):
        response = client.get(url)
        # Read-only models (RAG history, evidence, reminders) refuse add and delete with 403.
        if response.status_code not in (200, 302, 403):
            failures.append(f"{url}: {response.status_code}")
    assert failures == []
