"""Two app processes and two task workers against the test PostgreSQL at once: work sent to
both app processes is all done, and none of it twice.

PostgreSQL only: the embedded SQLite default is for one process by design, and CI runs this
on PostgreSQL (`.ci/run`'s second pass)."""

import datetime
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="several processes need PostgreSQL; runs in the PostgreSQL pass")


def _free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"{url} did not come up")


class Browser:
    """Just enough of a browser for a signed-in POST with a CSRF token, over loopback."""

    def __init__(self, base, session_key):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())
        self.opener.addheaders = [("Cookie", f"sessionid={session_key}")]
        self.session_key = session_key

    def get(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path, fields, referer_path):
        page = self.get(referer_path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        csrf_cookie = next(c.value for c in self.jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=data, method="POST", headers={  # noqa: S310
            "Cookie": f"sessionid={self.session_key}; csrftoken={csrf_cookie}", "Referer": self.base + referer_path})
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.django_db(transaction=True)
def test_two_app_processes_and_two_workers_lose_nothing_and_do_nothing_twice(pack_world):
    from reports.models import BoardPack, PackRender

    meeting, action, manager_session, lead_session = pack_world
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "true", "TASKS_BACKEND": "", "LOG_LEVEL": "WARNING",
           "DB_POOL": "true"}
    ports = [_free_port(), _free_port()]
    processes = []
    try:
        for port in ports:
            processes.append(subprocess.Popen(  # noqa: S603 - the project's own server on loopback
                [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
                 "--workers", "1", "--threads", "4"], cwd=ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for _ in range(2):
            processes.append(subprocess.Popen(  # noqa: S603
                [sys.executable, "manage.py", "db_worker", "--no-reload", "--interval", "0.2"], cwd=ROOT, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        for port in ports:
            _wait_for(f"http://127.0.0.1:{port}/healthz")

        managers = [Browser(f"http://127.0.0.1:{port}", manager_session) for port in ports]
        leads = [Browser(f"http://127.0.0.1:{port}", lead_session) for port in ports]
        pack_page = f"/meetings/{meeting.pk}/pack/"
        generate = f"/meetings/{meeting.pk}/pack/generate/"
        issue = f"/meetings/{meeting.pk}/pack/issue/"
        for n in range(6):  # draft and issue requests, alternating between the two app processes
            if n % 3 == 0:
                assert managers[n % 2].post(issue, {}, issue) == 302
            else:
                assert managers[n % 2].post(generate, {"purpose": "draft"}, pack_page) == 302
        update_page = f"/actions/{action.pk}/update/"
        status_id = action.plan.rag_scheme.statuses.get(code="G").pk
        for n in range(8):  # RAG updates through both app processes
            assert leads[n % 2].post(update_page, {"status": status_id, "note": f"update {n}"}, update_page) == 302

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and PackRender.objects.exclude(status="ready").exists():
            time.sleep(0.5)
        renders = list(PackRender.objects.all())
        # A draft asked for while the same person's draft is still in progress is that draft.
        assert sum(r.purpose == "issue" for r in renders) == 2
        assert 1 <= sum(r.purpose == "draft" for r in renders) <= 4
        assert all(render.status == "ready" and render.attempts == 1 for render in renders), \
            [(r.pk, r.status, r.attempts, r.error) for r in renders]
        assert sorted(BoardPack.objects.values_list("version", flat=True)) == [1, 2]
        assert sorted(action.updates.values_list("note", flat=True)) == sorted(f"update {n}" for n in range(8))
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def pack_world(plan, theme, lead, lead_post, manager, board, scheme):
    from django.contrib.sessions.backends.db import SessionStore

    from boards.models import Meeting, UpdateRound
    from tests.conftest import make_action

    action = make_action(theme, "1.1", leads=[lead_post])
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2012, 12, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2012, 12, 17))

    def session_for(user):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    return meeting, action, session_for(manager), session_for(lead)
