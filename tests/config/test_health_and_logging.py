import json
import logging

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from config.observability import JsonFormatter, RequestIdFilter, request_id_var
from tests.conftest import client_for


def test_healthz_answers_ok_without_sign_in(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_says_nothing_more_when_the_database_fails(db, monkeypatch):
    from config import health

    def broken():
        raise connection.OperationalError("could not connect to server: secret-host:5432")

    monkeypatch.setattr(health, "_database_ok", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_healthz_checks_the_task_queue_table(db, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    assert Client().get("/healthz").status_code == 200


def test_healthz_refuses_post(db):
    assert Client().post("/healthz").status_code == 405


def test_healthz_answers_head_as_load_balancers_probe(db):
    assert Client().head("/healthz").status_code == 200


def test_healthz_answers_unavailable_to_head_when_the_database_fails(db, monkeypatch):
    from config import health

    monkeypatch.setattr(health, "_database_ok", lambda: False)
    assert Client().head("/healthz").status_code == 503


def test_every_response_carries_a_request_id_and_keeps_a_valid_incoming_one(db):
    assert len(Client().get("/healthz")["X-Request-ID"]) == 32
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="lb-1234abcd")["X-Request-ID"] == "lb-1234abcd"
    assert Client().get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"] != "<script>"


def test_json_log_lines_carry_the_request_id():
    record = logging.LogRecord("improvement", logging.WARNING, __file__, 1, "Pack %s failed", ("7",), None)
    token = request_id_var.set("abc123abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(JsonFormatter().format(record))
    assert entry == {**entry, "level": "WARNING", "message": "Pack 7 failed", "request_id": "abc123abc123",
                     "logger": "improvement"}


def test_evidence_and_exports_go_to_an_s3_bucket_when_one_is_configured():
    """Shared storage for several machines (django-storages; no bucket is contacted here)."""
    import importlib.util
    import os
    import subprocess
    import sys

    script = ("import django; django.setup(); from django.core.files.storage import storages; "
              "s = storages['evidence']; print(type(s).__name__, s.bucket_name, s.location, s.default_acl, "
              "storages['exports'].location)")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "S3_BUCKET": "council-plans",
           "S3_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=60)
    if importlib.util.find_spec("storages") is None:
        assert result.returncode != 0 and 'pip install -e ".[s3]"' in result.stderr
    else:
        assert result.stdout.split() == ["S3Storage", "council-plans", "evidence", "private", "exports"], result.stderr


@pytest.fixture
def access_lines():
    """The JSON access lines written while the test runs."""
    lines = []
    handler = logging.Handler()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    handler.emit = lambda record: lines.append(json.loads(handler.format(record)))
    logger = logging.getLogger("improvement.access")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)
    logger.setLevel(old_level)


def test_each_request_writes_one_access_line_with_its_status_time_and_request_id(db, access_lines):
    Client().get("/healthz", headers={"X-Request-ID": "req-0123456789"})
    [entry] = access_lines
    assert entry == {**entry, "method": "GET", "path": "/healthz", "status": 200, "request_id": "req-0123456789",
                     "user_id": None}
    assert entry["ms"] >= 0


def test_the_access_line_names_the_signed_in_user_by_id_not_name(viewer, plan, access_lines):
    client_for(viewer).get(reverse("improvement:plan_detail", args=[plan.pk]))
    [entry] = access_lines
    assert entry["user_id"] == viewer.pk and entry["status"] == 200
    assert viewer.username not in json.dumps(entry)
