"""Hardening: passwords, sign-in limits, sessions, headers, the CSP, and the append-only
history at the database level."""

import datetime
import importlib
import re
import runpy
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection, transaction
from django.test import Client, override_settings
from django.urls import reverse

from tests.conftest import client_for, status

ROOT = Path(__file__).resolve().parents[2]


def test_passwords_are_hashed_with_argon2_and_need_12_characters(db):
    production = importlib.import_module("config.settings")
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Short1pass!")
    validate_password("a long walsall passphrase")


@pytest.fixture
def real_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_sign_in_is_limited_per_account(db, real_hasher):
    from improvement.models import User


    User.objects.create_user("target", password="the right passphrase")
    client = Client(REMOTE_ADDR="10.0.0.1")
    for _ in range(4):
        assert sign_in(client, "target", "wrong guess").status_code == 200
    assert sign_in(client, "target", "wrong guess").status_code == 429  # the fifth failure locks
    other_address = Client(REMOTE_ADDR="10.0.0.2")
    locked = sign_in(other_address, "target", "the right passphrase")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    assert "_auth_user_id" not in other_address.session


def test_sign_in_is_limited_per_address(db, real_hasher):
    client = Client(REMOTE_ADDR="10.0.0.9")
    for n in range(5):
        sign_in(client, f"someone{n}", "wrong guess")
    assert sign_in(client, "someone-else", "anything").status_code == 429


def settings_module_with(monkeypatch, **environment):
    """The settings module's values when the process starts with ``environment``."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def client_address_settings(monkeypatch, **environment):
    """What override_settings needs to apply the client-address settings read from ``environment``."""
    values = settings_module_with(monkeypatch, **environment)
    names = ["AXES_IPWARE_META_PRECEDENCE_ORDER", "AXES_IPWARE_PROXY_COUNT", "AXES_IPWARE_PROXY_ORDER",
             "IPWARE_STRICT"]
    return override_settings(**{name: values[name] for name in names})


def test_proxy_count_is_read_from_the_environment(monkeypatch):
    behind_two = settings_module_with(monkeypatch, PROXY_COUNT="2")
    assert behind_two["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("HTTP_X_FORWARDED_FOR",)
    assert behind_two["AXES_IPWARE_PROXY_COUNT"] == 1
    monkeypatch.delenv("PROXY_COUNT")
    direct = settings_module_with(monkeypatch)
    assert direct["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ("REMOTE_ADDR",)
    with pytest.raises(ImproperlyConfigured, match="PROXY_COUNT"):
        settings_module_with(monkeypatch, PROXY_COUNT="-1")


@pytest.mark.parametrize(("proxy_count", "forwarded_for", "client"), [
    ("1", "203.0.113.5", "203.0.113.5"),
    ("1", "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own forged entry is to the left
    ("2", "6.6.6.6, 203.0.113.5, 10.1.0.2", "203.0.113.5"),
])
def test_behind_proxies_the_client_address_is_counted_from_the_right_of_x_forwarded_for(
        monkeypatch, rf, proxy_count, forwarded_for, client):
    from axes.helpers import get_client_ip_address

    request = rf.post("/sign-in/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    with client_address_settings(monkeypatch, PROXY_COUNT=proxy_count):
        assert get_client_ip_address(request) == client


def test_behind_a_proxy_one_clients_failures_do_not_lock_out_another_client(db, monkeypatch):
    from improvement.models import User

    User.objects.create_user("target", password="the right passphrase")
    with client_address_settings(monkeypatch, PROXY_COUNT="1"):
        attacker = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        for n in range(6):
            sign_in(attacker, f"someone{n}", "wrong guess")
        assert sign_in(attacker, "someone-else", "anything").status_code == 429
        # Forging an entry in front of the proxy's does not give the attacker a fresh address.
        forged = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1, 198.51.100.7")
        assert sign_in(forged, "someone-else", "anything").status_code == 429
        colleague = Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
        assert sign_in(colleague, "target", "the right passphrase").status_code == 302


def test_without_a_proxy_a_forged_x_forwarded_for_does_not_dodge_the_address_limit(db, monkeypatch):
    from improvement.models import User

    User.objects.create_user("target", password="the right passphrase")
    monkeypatch.delenv("PROXY_COUNT", raising=False)
    with client_address_settings(monkeypatch):
        for n in range(5):
            attacker = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n + 1}")
            sign_in(attacker, f"someone{n}", "wrong guess")
        attacker = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="192.0.2.99")
        assert sign_in(attacker, "target", "the right passphrase").status_code == 429
        elsewhere = Client(REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert sign_in(elsewhere, "target", "the right passphrase").status_code == 302


def test_sign_in_gives_a_new_session_key(db, real_hasher):
    from improvement.models import User

    User.objects.create_user("keyed", password="the right passphrase")
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    assert sign_in(client, "keyed", "the right passphrase").status_code == 302
    assert client.session.session_key != before


def test_sessions_end_after_30_minutes_idle_and_12_hours_in_all(viewer, plan, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    with time_machine.travel(datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC), tick=False) as clock:
        client = client_for(viewer)
        url = reverse("improvement:plan_detail", args=[plan.pk])
        assert client.get(url).status_code == 200
        for _ in range(24):  # active every 25 minutes for 10 hours: still signed in
            clock.shift(datetime.timedelta(minutes=25))
            assert client.get(url).status_code == 200
        clock.shift(datetime.timedelta(hours=2, minutes=5))  # 12 h 5 min after sign-in
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_idle_session_expires(viewer, plan):
    with time_machine.travel(datetime.datetime(2026, 1, 5, 8, 0, tzinfo=datetime.UTC), tick=False) as clock:
        client = client_for(viewer)
        url = reverse("improvement:plan_detail", args=[plan.pk])
        assert client.get(url).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        assert client.get(url).status_code == 302


def test_pages_carry_the_security_headers_and_a_strict_csp(viewer, plan):
    response = client_for(viewer).get(reverse("improvement:plan_detail", args=[plan.pk]))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


def test_no_template_has_inline_scripts_or_styles():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b", text) \
                or re.search(r"\sstyle=\"", text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_raw_sql_changes_to_the_history(action, lead, scheme):
    from django.db import DatabaseError

    update = action.record_update(status=status(scheme, "G"), note="As reported", by=lead)
    for sql in ["UPDATE improvement_update SET note = 'Rewritten' WHERE id = %s",
                "DELETE FROM improvement_update WHERE id = %s"]:
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [update.pk])
    update.refresh_from_db()
    assert update.note == "As reported"
