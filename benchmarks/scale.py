"""Main pages at scale: median and 95th percentile server time and query count, on the data
that `manage.py generate_sample_data` builds (run that first against DATABASE_URL). Writes
benchmarks/RESULTS.md.

    DATABASE_URL=postgres://… .venv/bin/python manage.py generate_sample_data
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/scale.py [--repeat 30]
"""

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "improvement.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from boards.models import Meeting, UpdateRound
    from improvement.models import Action, Plan, Update, User

    settings.ALLOWED_HOSTS = ["testserver"]
    if not Plan.objects.filter(slug__startswith="sample-").exists():
        from django.core.management import call_command

        print("No sample data yet: building it (about a minute on PostgreSQL)")
        call_command("generate_sample_data")
    plan = Plan.objects.filter(slug__startswith="sample-").order_by("pk").first()
    manager = User.objects.get(username=plan.slug.replace("sample-", "sample-manager-").rsplit("-", 1)[0])
    lead = User.objects.get(username=manager.username.replace("manager", "lead"))
    action = Action.objects.filter(plan=plan).order_by("pk").first()
    theme = action.theme
    round_ = UpdateRound.objects.filter(plan=plan).order_by("-period").first()
    meeting = Meeting.objects.filter(plan=plan).order_by("-date").first()
    clients = {}
    for user in (manager, lead):
        clients[user.pk] = Client()
        clients[user.pk].force_login(user)
    pages = [
        ("Plan", manager, reverse("improvement:plan_detail", args=[plan.pk])),
        ("Theme", manager, reverse("improvement:theme_detail", args=[plan.pk, theme.pk])),
        ("Action", manager, reverse("improvement:action_detail", args=[action.pk])),
        ("Action table", manager, reverse("improvement:action_table", args=[plan.pk])),
        ("Action table, filtered", manager,
         reverse("improvement:action_table", args=[plan.pk]) + "?missing=on&sort=-status"),
        ("My actions", lead, reverse("improvement:my_actions")),
        ("Round status", manager, reverse("boards:round_detail", args=[round_.pk])),
        ("Dashboard", manager, reverse("boards:dashboard", args=[plan.pk])),
        ("Meeting", manager, reverse("boards:meeting_detail", args=[meeting.pk])),
    ]
    rows = []
    for name, user, url in pages:
        client = clients[user.pk]
        client.get(url)
        times, queries = [], 0
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as context:
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries = len(context.captured_queries)
        times.sort()
        rows.append((name, statistics.median(times), times[int(round(0.95 * (len(times) - 1)))], queries))
    scale = (f"{Plan.objects.count()} plans, {Action.objects.count():,} actions, {Update.objects.count():,} updates; "
             f"the page's plan has {Action.objects.filter(plan=plan).count()} actions")
    server = connection.cursor().connection.info.server_version if connection.vendor == "postgresql" else ""
    lines = ["# Benchmark results", "",
             f"Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
             f"{platform.python_version()}, {connection.vendor} {server}",
             f"Data: {scale}. {args.repeat} requests per page through Django's test client (server time, no network).",
             "", "| page | median ms | p95 ms | queries |", "|---|---|---|---|"]
    lines += [f"| {name} | {median:.1f} | {p95:.1f} | {queries} |" for name, median, p95, queries in rows]
    text = "\n".join(lines) + "\n"
    (ROOT / "benchmarks" / "RESULTS.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
