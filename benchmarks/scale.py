"""Main pages at scale: median and 95th percentile server time and query count, on the data
that `manage.py generate_sample_data` builds (run that first against DATABASE_URL). Writes
benchmarks/RESULTS.md.

    DATABASE_URL=postgres://… .venv/bin/python manage.py generate_sample_data
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/scale.py [--repeat 30]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


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
    from results import machine, record

    from boards.samples import main_pages
    from improvement.models import Action, Plan, Update

    settings.ALLOWED_HOSTS = ["testserver"]
    if not Plan.objects.filter(slug__startswith="sample-").exists():
        from django.core.management import call_command

        print("No sample data yet: building it (about a minute on PostgreSQL)")
        call_command("generate_sample_data")
    plan = Plan.objects.filter(slug__startswith="sample-").order_by("pk").first()
    pages = main_pages(plan)
    clients = {}
    for _name, user, _url in pages:
        if user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)
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
    record("Main pages at scale", [
        f"Machine: {machine()}.", f"Data: {scale}. {args.repeat} requests per page through Django's test client "
        "(server time, no network), signed in as the plan's manager (My actions: the council's lead).",
        "", "| page | median ms | p95 ms | queries |", "|---|---|---|---|",
        *(f"| {name} | {median:.1f} | {p95:.1f} | {queries} |" for name, median, p95, queries in rows)])


if __name__ == "__main__":
    main()
