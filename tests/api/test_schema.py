"""The API against its own OpenAPI schema (/api/v1/schema/), with schemathesis calling the Django
app in-process (WSGI): with a token, no answer is a server error and every answer matches the
schema; the schema itself is valid OpenAPI 3 and documents every table."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.api.conftest import issue_token
from tests.crossorg import populate


@pytest.fixture
def api_world(plan, theme, action, lead, manager, chair, board, scheme, recommendation, viewer):
    """Our plan with everything hanging off it (so the tables have rows to answer with)."""
    populate(plan=plan, theme=theme, action=action, lead=lead, manager=manager, chair=chair, board=board,
             scheme=scheme)
    return issue_token(viewer)[1]


@pytest.fixture
def api_schema(db):
    """The schema as the app serves it. Requests run inside the test's transaction, so the
    handler must not close the connection after each one, as Django's test client arranges too."""
    from django.core import signals
    from django.db import close_old_connections

    from config.wsgi import application

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_answer_matches_the_schema_and_none_is_a_server_error(api_schema, api_world):
    """Each operation with a few generated requests (kept quick: a handful of examples each, the
    same every run). schemathesis' own pytest plugin is not used: it does not yet run under
    pytest 9, so each operation's strategy is driven by Hypothesis here."""
    headers = {"Authorization": f"Bearer {api_world}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 12

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=6, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers)

        check()


def test_the_schema_documents_every_table_with_its_filters_and_errors(client, db):
    document = client.get("/api/v1/schema/").json()
    paths = document["paths"]
    assert {path.removeprefix("/api/v1/") for path in paths} == {
        "plans/", "plans/{id}/", "themes/", "actions/", "updates/", "period-summaries/", "period-counts/",
        "meetings/", "meetings/{id}/attention/", "scrutiny-conclusions/", "measures/", "measure-values/"}
    assert set(paths) == {path for path in paths if set(paths[path]) == {"get"}}  # read only
    updates = paths["/api/v1/updates/"]["get"]
    assert {p["name"] for p in updates["parameters"]} == {"plan", "period", "page", "page_size"}
    assert {"200", "400", "401", "404"} <= set(updates["responses"])
    assert document["components"]["securitySchemes"] == {"token": {"type": "http", "scheme": "bearer"}}
