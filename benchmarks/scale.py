"""Main pages at scale: median and 95th percentile server time, its ratio to the floor, and
query count, on the data that `manage.py generate_sample_data` builds (run that first against
DATABASE_URL). Writes benchmarks/RESULTS.md.

    DATABASE_URL=postgres://… .venv/bin/python manage.py generate_sample_data
    DATABASE_URL=postgres://… .venv/bin/python benchmarks/scale.py [--repeat 30]

The floor is the sign-in page, signed out: the base layout and the whole middleware stack with
no data, so what the stack itself costs. The pages are timed interleaved (each round requests
every page once, in turn) so that noise from the shared machine falls on all of them alike, and
each page's median is given as a multiple of the floor's.

Target (issue 7): every main page's median within 5x the floor's.
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

FLOOR = "Sign-in page (floor)"
TARGET = 5  # times the floor's median


def percentile(times: list[float], fraction: float) -> float:
    ordered = sorted(times)
    return ordered[int(round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="rounds; each requests every page once")
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from results import machine, record

    from boards.samples import main_pages
    from improvement.models import Action, Plan, Update

    settings.ALLOWED_HOSTS = ["testserver"]
    settings.DEBUG = False  # as served: no template debugging, no query log kept beyond what we capture
    if not Plan.objects.filter(slug__startswith="sample-").exists():
        from django.core.management import call_command

        print("No sample data yet: building it (a few minutes on PostgreSQL)")
        call_command("generate_sample_data")
    plan = Plan.objects.filter(slug__startswith="sample-").order_by("pk").first()
    skipped = []
    pages = [(FLOOR, None, reverse("login")), *main_pages(plan, skipped=skipped)]
    for note in skipped:
        print(f"Skipping a page. {note}")
    clients = {None: Client()}  # signed out, for the floor
    for _name, user, _url in pages:
        if user is not None and user.pk not in clients:
            clients[user.pk] = Client()
            clients[user.pk].force_login(user)

    def get(name, user, url):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = clients[user.pk if user else None].get(url)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (name, url, response.status_code)
        return elapsed, len(context.captured_queries)

    for page in pages:  # warm up: templates compiled, caches filled, connections open
        get(*page)
    times = {name: [] for name, _, _ in pages}
    queries = {}
    for _ in range(args.repeat):
        for page in pages:
            elapsed, queries[page[0]] = get(*page)
            times[page[0]].append(elapsed)
    floor = statistics.median(times[FLOOR])
    rows = [(name, statistics.median(times[name]), percentile(times[name], 0.95), queries[name])
            for name, _, _ in pages]
    scale = (f"{Plan.objects.count()} plans, {Action.objects.count():,} actions, {Update.objects.count():,} updates; "
             f"the page's plan has {Action.objects.filter(plan=plan).count()} actions")
    over = [name for name, median, _, _ in rows if median > TARGET * floor]
    record("Main pages at scale", [
        f"Machine: {machine()}.",
        f"Data: {scale}. {args.repeat} rounds through Django's test client (server time, no network, DEBUG off), "
        "each round requesting every page once in turn; signed in as the plan's manager (My actions: the "
        "council's lead; the floor: signed out). *x floor* is the page's median over the sign-in page's "
        f"(the base layout and middleware, no data); the target is {TARGET}x.",
        "", "| page | median ms | p95 ms | x floor | queries |", "|---|---|---|---|---|",
        *(f"| {name} | {median:.1f} | {p95:.1f} | {median / floor:.1f} | {count} |"
          for name, median, p95, count in rows),
        "", f"Over {TARGET}x the floor: {', '.join(over)}." if over else f"Every page within {TARGET}x the floor.",
        *([f"Not timed: {'; '.join(skipped)}."] if skipped else [])])


if __name__ == "__main__":
    main()
