"""Benchmark: the public progress page under a crowd: 200 concurrent anonymous readers through
gunicorn on loopback, zero errors wanted; p95 reported.

Builds a SQLite database of its own in a temporary folder (migrated, with one plan of five themes,
each with an approved public summary in English and Welsh, published), starts gunicorn on
127.0.0.1 on a free port (the production settings: DEBUG off, whitenoise, JSON logs at WARNING;
``--workers`` sync workers), and runs ``--readers`` threads, each reading the page ``--requests``
times, a new connection each time, half of them asking for Welsh. The
whole run is bounded by ``--seconds``. Prints and writes its section of RESULTS.md: requests,
errors, median, p95 and max in ms, and throughput.

    .venv/bin/python benchmarks/public_page.py [--readers 200] [--requests 50] [--workers N]
"""

import argparse
import http.client
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def build(database: Path) -> str:
    """The database with one published plan; returns the page's path."""
    import datetime

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)  # as `make serve` does: hashed names
    from improvement.models import Organisation, Plan, PlanRole, RagScheme, RagStatus, Theme, User
    from improvement.rag import create_presets
    from publication.models import PublicationSettings, PublicSummary

    create_presets(RagScheme, RagStatus)
    council = Organisation.objects.create(name="Benchmark Council")
    plan = Plan.objects.create(organisation=council, name="Benchmark improvement plan", slug="benchmark",
                               rag_scheme=RagScheme.objects.get(slug="five-state"),
                               current_period=datetime.date(2012, 12, 1))
    manager = User.objects.create_user("bench-manager", organisation=council)
    approver = User.objects.create_user("bench-approver", organisation=council)
    PlanRole.objects.create(plan=plan, user=manager, role=PlanRole.Role.MANAGER)
    PlanRole.objects.create(plan=plan, user=approver, role=PlanRole.Role.PUBLICATION_APPROVER)
    settings_ = PublicationSettings.of(plan)
    settings_.is_published = True
    settings_.save()
    intro = PublicSummary(plan=plan, kind="plan", title_en="Our improvement plan", title_cy="Ein cynllun gwella",
                          summary_en="We are making our services for children safer. " * 3,
                          summary_cy="Rydym yn gwneud ein gwasanaethau i blant yn fwy diogel. " * 3,
                          inspection_en="Ofsted inspection, July 2012.")
    intro.record_edit(by=manager, submit=True)
    intro.approve(by=approver)
    for n in range(1, 6):
        theme = Theme.objects.create(plan=plan, code=str(n), title=f"Theme {n}", position=n)
        summary = PublicSummary(plan=plan, kind="theme", theme=theme, title_en=f"Theme {n} in plain words",
                                title_cy=f"Thema {n}", summary_en="Partners meet every month to check progress. " * 4,
                                summary_cy="Mae partneriaid yn cwrdd bob mis. " * 4, status="in_progress")
        summary.record_edit(by=manager, submit=True)
        summary.approve(by=approver)
    return f"/public/plans/{settings_.public_slug}/"


def reader(port, path, count, welsh, deadline, timings, errors, lock):
    """One reader: ``count`` requests one after another, each on a new connection (as many readers'
    browsers arrive), until the deadline."""
    headers = {"Accept-Language": "cy" if welsh else "en-GB", "Connection": "close"}
    mine, failed = [], 0
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        start = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            if response.status != 200 or b"govuk-summary-card" not in body:
                failed += 1
            mine.append((time.perf_counter() - start) * 1000)
        except (OSError, http.client.HTTPException):
            failed += 1
        finally:
            connection.close()
    with lock:
        timings.extend(mine)
        errors[0] += failed


def wait_until_up(port, path, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {path} within {seconds} s")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=200)
    parser.add_argument("--requests", type=int, default=50, help="requests per reader")
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1,
                        help="gunicorn's sync workers (default: its advice, two per core and one)")
    parser.add_argument("--seconds", type=int, default=180, help="the most the run may take")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "public.sqlite3"
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DEBUG": "false",
               "SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "127.0.0.1,localhost",
               "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0", "LOG_LEVEL": "WARNING",
               "LOG_FORMAT": "json"}
        os.environ.update({key: env[key] for key in ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS")})
        path = build(database)
        from results import machine, record

        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - our own fixed arguments
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", str(args.workers), "--backlog", "2048", "--error-logfile", "-"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_until_up(port, path)
            timings, errors, lock = [], [0], threading.Lock()
            deadline = time.monotonic() + args.seconds
            threads = [threading.Thread(target=reader, args=(port, path, args.requests, n % 2 == 1, deadline,
                                                             timings, errors, lock)) for n in range(args.readers)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.seconds + 60)
            elapsed = time.perf_counter() - started
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        timings.sort()
        done = len(timings)
        p95 = timings[max(0, int(round(0.95 * done)) - 1)] if timings else float("nan")
        lines = [
            f"{args.readers} concurrent anonymous readers, {args.requests} requests each, through gunicorn "
            f"({args.workers} sync workers, production settings, SQLite) on loopback, a new connection per "
            f"request; half ask for Welsh; the readers' threads share the machine. {machine()}.",
            "",
            "| requests | errors | median ms | p95 ms | max ms | requests/s |",
            "|---:|---:|---:|---:|---:|---:|",
            f"| {done} | {errors[0]} | {statistics.median(timings):.1f} | {p95:.1f} | {timings[-1]:.1f} | "
            f"{done / elapsed:.0f} |",
            "",
            "The page is rendered once per snapshot version and language and then served from Django's cache: "
            "each request costs one small query (the address's settings and latest version); in one process it "
            "takes about 3 ms. Every request waits its turn for the few workers, so the median and p95 are "
            "mostly queueing (200 readers at once over the throughput).",
            f"Load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine shares its cores).",
        ]
        record("Public progress page: 200 anonymous readers", lines)
        if errors[0]:
            raise SystemExit(f"{errors[0]} errors")


if __name__ == "__main__":
    main()
