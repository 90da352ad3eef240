"""Shared personas and small builders for the whole suite.

Personas: ``lead`` and ``lead2`` lead actions of ``plan`` (through posts), ``manager`` manages
it, ``chair`` and ``member`` and ``viewer`` may read it, ``scrutiny`` is its scrutiny officer,
and ``outsider`` belongs to another council and has no role on it.
"""

import datetime
import itertools

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation
from hypothesis import strategies as st

from improvement.models import (
    Action,
    Organisation,
    Plan,
    PlanRole,
    Post,
    RagScheme,
    RagStatus,
    Recommendation,
    Source,
    Theme,
    User,
)
from improvement.rag import create_presets

PERIOD = datetime.date(2012, 12, 1)
TODAY = datetime.date(2012, 12, 20)
_numbers = itertools.count(1)

# Any text at all, for property tests: every code point, lone surrogates included (Hypothesis
# leaves those out unless told), with control characters drawn often.
ANY_TEXT = st.text(alphabet=st.one_of(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=()),
    st.sampled_from([chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), 0xD800, 0xDFFF, 0xFFFE, 0xFFFF]])),
    max_size=60)


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    """Evidence and exports go to the test's own folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        **{name: {"BACKEND": "django.core.files.storage.FileSystemStorage",
                  "OPTIONS": {"location": tmp_path / name, "base_url": None}} for name in ("evidence", "exports")},
    }


@pytest.fixture(autouse=True)
def _real_clock(settings):
    """Tests run on the real (or frozen) clock even from a shell where a demo's SITE_AS_AT is set;
    a test that wants a demo date sets ``settings.SITE_AS_AT`` itself."""
    settings.SITE_AS_AT = None


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts and ends in the site's language: a request in Welsh leaves Welsh active in
    the thread (LocaleMiddleware activates and never deactivates), which would otherwise reach the
    tests after it."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run on-commit work (queuing background tasks) as the request's transaction would on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def frozen_today():
    """Freeze the clock at 20 December 2012, inside the demo's reporting period."""
    import time_machine

    moment = datetime.datetime(2012, 12, 20, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        yield TODAY


@pytest.fixture
def council(db):
    return Organisation.objects.create(name="Walsall Council")


@pytest.fixture
def scheme(db):
    # Normally created by a data migration; a transactional test's flush removes them.
    create_presets(RagScheme, RagStatus)
    return RagScheme.objects.get(slug="five-state")


def status(scheme, code):
    return scheme.statuses.get(code=code)


@pytest.fixture
def plan(council, scheme):
    return Plan.objects.create(
        organisation=council, name="Strategic Improvement Plan", slug="sip", rag_scheme=scheme,
        current_period=PERIOD,
    )


@pytest.fixture
def theme(plan):
    return Theme.objects.create(plan=plan, code="1", title="Partnership and governance", position=1)


def make_user(username, organisation=None, **extra):
    return User.objects.create_user(
        username=username, password="not-used-in-tests", organisation=organisation,
        first_name=username.capitalize(), **extra,
    )


def make_action(theme, number=None, *, leads=(), due_date=None, description="Do the thing"):
    action = Action.objects.create(
        plan=theme.plan, theme=theme, number=number or f"9.{next(_numbers)}",
        description=description, due_date=due_date,
    )
    action.lead_posts.set(leads)
    return action


@pytest.fixture
def lead_post(council):
    return Post.objects.create(organisation=council, title="Assistant Director Specialist Services")


@pytest.fixture
def lead2_post(council):
    return Post.objects.create(organisation=council, title="Early Help Lead")


@pytest.fixture
def lead(council, lead_post):
    user = make_user("lead", council)
    lead_post.holders.add(user)
    return user


@pytest.fixture
def lead2(council, lead2_post):
    user = make_user("lead2", council)
    lead2_post.holders.add(user)
    return user


def _with_role(username, plan, role, organisation=None):
    user = make_user(username, organisation or plan.organisation)
    PlanRole.objects.create(plan=plan, user=user, role=role)
    return user


@pytest.fixture
def manager(plan):
    return _with_role("manager", plan, PlanRole.Role.MANAGER)


@pytest.fixture
def viewer(plan):
    return _with_role("viewer", plan, PlanRole.Role.VIEWER)


@pytest.fixture
def board(plan):
    from boards.models import Board

    board = Board.objects.create(name="Improvement Board", kind=Board.Kind.IMPROVEMENT_BOARD)
    board.plans.add(plan)
    return board


def _on_board(username, board, role, organisation_name):
    from boards.models import BoardMember

    user = make_user(username, Organisation.objects.create(name=organisation_name))
    BoardMember.objects.create(board=board, user=user, role=role)
    return user


@pytest.fixture
def chair(board):
    """The board's independent chair: reads its plans through the board."""
    return _on_board("chair", board, "chair", "Department for Education")


@pytest.fixture
def member(board):
    return _on_board("member", board, "member", "West Midlands Police")


@pytest.fixture
def officer(board, manager):
    """The plan manager also serves as the board's officer, as in the demo."""
    from boards.models import BoardMember

    BoardMember.objects.create(board=board, user=manager, role="officer")
    return manager


@pytest.fixture
def scrutiny(plan):
    return _with_role("scrutiny", plan, PlanRole.Role.SCRUTINY)


@pytest.fixture
def reviewer(plan):
    """An inspector named on the plan as its external reviewer: reads it and records findings."""
    ofsted = Organisation.objects.create(name="Ofsted")
    return _with_role("reviewer", plan, PlanRole.Role.EXTERNAL_REVIEWER, ofsted)


@pytest.fixture
def outsider(db):
    other = Organisation.objects.create(name="Another Council")
    return make_user("outsider", other)


@pytest.fixture
def action(theme, lead_post):
    return make_action(theme, "1.1", leads=[lead_post], due_date=datetime.date(2013, 1, 31))


@pytest.fixture
def shared_action(theme, lead_post, lead2_post):
    return make_action(theme, "3.15", leads=[lead_post, lead2_post])


@pytest.fixture
def recommendation(plan):
    source = Source.objects.create(
        plan=plan, key="OIS 2012", kind=Source.Kind.OFSTED_INSPECTION,
        title="Ofsted Inspection Safeguarding Report", published=datetime.date(2012, 7, 31),
    )
    return Recommendation.objects.create(
        source=source, reference="1.2", urgency=Recommendation.Urgency.WITHIN_3_MONTHS,
        text="Ensure that child protection plans are focused on risk.",
    )


def client_for(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _packs_rendered_in_this_process(settings):
    """Long packs are rendered in the test's own process (a test of worker processes sets more)."""
    settings.PACK_RENDER_PROCESSES = 1


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_many_actions(theme, count, *, leads=(), status_code="G", recommendation=None):
    """``count`` actions with one update each, built in bulk (for query-count tests)."""
    from improvement.models import Update

    rag = theme.plan.rag_scheme.statuses.get(code=status_code)
    start = Action.objects.filter(plan=theme.plan).count()
    actions = Action.objects.bulk_create(
        Action(plan=theme.plan, theme=theme, number=f"8.{start + n}", number_sort=f"{start + n:08d}",
               description=f"Bulk action {n}", current_status=rag, lead_agency=f"Agency {n % 7}")
        for n in range(count)
    )
    Action.lead_posts.through.objects.bulk_create(
        Action.lead_posts.through(action_id=a.pk, post_id=post.pk) for a in actions for post in leads
    )
    if recommendation is not None:
        Action.recommendations.through.objects.bulk_create(
            Action.recommendations.through(action_id=a.pk, recommendation_id=recommendation.pk)
            for a in actions
        )
    Update.objects.bulk_create(
        Update(action=a, period=theme.plan.current_period, status=rag, note="ok") for a in actions
    )
    return actions


def count_queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


@pytest.fixture
def other_manager(db, scheme):
    """The manager of another council's plan: staff, but with nothing of ours to manage."""
    council = Organisation.objects.create(name="Wiltshire Council")
    other = Plan.objects.create(organisation=council, name="Wiltshire plan", slug="wilts", rag_scheme=scheme,
                                current_period=PERIOD)
    user = make_user("other-manager", council, is_staff=True)
    PlanRole.objects.create(plan=other, user=user, role=PlanRole.Role.MANAGER)
    return user


@pytest.fixture
def open_round(plan, manager):
    from boards.models import UpdateRound

    return UpdateRound.objects.create(plan=plan, period=PERIOD, deadline=datetime.date(2012, 12, 10),
                                      opened_by=manager)


@pytest.fixture
def meeting(board, plan, open_round):
    from boards.models import Meeting

    return Meeting.objects.create(board=board, plan=plan, round=open_round, date=datetime.date(2012, 12, 17))


def store_unnormalised_text(action, status_code="G"):
    """Give ``action`` a description and a review note holding a vertical tab, written past the
    normaliser (a queryset update and bulk_create skip save()), as text stored before it was."""
    from improvement.models import Update
    from improvement.reporting import rebuild

    Action.objects.filter(pk=action.pk).update(description="Audit\x0bcore groups\x01")
    rag = action.plan.rag_scheme.statuses.get(code=status_code)
    Update.objects.bulk_create([Update(action=action, period=action.plan.current_period, status=rag,
                                       note="Line one\x0bline two")])
    Action.objects.filter(pk=action.pk).update(current_status=rag)
    rebuild(action.plan)  # history written past record_update(): its derived rows rebuilt, as after an upgrade


def make_measure(plan, name="Children seen within timescale", *, owner=None, unit="percentage", polarity="higher",
                 tolerance=5, baseline=(datetime.date(2012, 9, 1), 36), targets=((datetime.date(2013, 3, 31), 95),),
                 **extra):
    from improvement.models import Measure, MeasureTarget

    measure = Measure.objects.create(
        plan=plan, name=name, unit=unit, polarity=polarity, tolerance=tolerance, owner=owner,
        baseline_date=baseline[0] if baseline else None, baseline_value=baseline[1] if baseline else None, **extra)
    for day, value in targets:
        MeasureTarget.objects.create(measure=measure, date=day, value=value)
    return measure


@pytest.fixture
def measure(plan, lead_post):
    """A percentage measure owned by the lead's post: higher is better, baseline 36% in
    September 2012, target 95% by March 2013, tolerance 5 points."""
    return make_measure(plan, owner=lead_post)
