"""Benchmark: server time and query count of the core pages on a large plan.

Builds, in a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set),
one plan of 500 actions with 24 months of history (12,000 updates), then requests the plan
page, the action table (first page, and filtered) and "My actions" for a lead of 100 of the
actions, and prints the median and 95th percentile server time and the query count of each.

    .venv/bin/python benchmarks/pages.py [--actions 500] [--months 24] [--repeat 30]

Target (issue 2): each page under 150 ms median on a 2-core machine, and a query count that
does not grow with rows (compare --actions 50 with --actions 500).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def build(actions: int, months: int):
    from improvement.models import (
        Action,
        Organisation,
        Plan,
        PlanRole,
        Post,
        RagScheme,
        Theme,
        Update,
        User,
        add_months,
    )

    rng = random.Random(2012)
    scheme = RagScheme.objects.get(slug="five-state")
    statuses = list(scheme.statuses.order_by("position"))
    council = Organisation.objects.create(name="Benchmark Council")
    start = datetime.date(2011, 1, 1)
    plan = Plan.objects.create(organisation=council, name="Benchmark plan", slug="bench",
                               rag_scheme=scheme, current_period=add_months(start, months - 1))
    lead = User.objects.create_user("bench-lead", password="x" * 12, organisation=council)
    viewer = User.objects.create_user("bench-viewer", password="x" * 12, organisation=council)
    PlanRole.objects.create(plan=plan, user=viewer, role=PlanRole.Role.VIEWER)
    posts = [Post.objects.create(organisation=council, title=f"Head of Service {n}") for n in range(20)]
    posts[0].holders.add(lead)
    themes = [Theme.objects.create(plan=plan, code=str(n), title=f"Theme {n}", position=n)
              for n in range(1, 6)]
    created = Action.objects.bulk_create(
        Action(plan=plan, theme=themes[n % 5], number=f"{n % 5 + 1}.{n}",
               number_sort=f"{n:08d}", description=f"Benchmark action {n} " + "words " * 30,
               lead_agency=rng.choice(["Walsall Council", "NHS Walsall", "West Midlands Police"]),
               due_date=add_months(start, rng.randrange(6, months + 12)))
        for n in range(actions)
    )
    through = Action.lead_posts.through
    through.objects.bulk_create(
        through(action_id=a.pk, post_id=posts[0 if i % 5 == 0 else rng.randrange(1, 20)].pk)
        for i, a in enumerate(created)
    )
    updates = []
    for action in created:
        current = rng.choice(statuses)
        for month in range(months):
            if rng.random() < 0.3:
                current = rng.choice(statuses)
            updates.append(Update(action=action, period=add_months(start, month), status=current,
                                  note="Progress reviewed. " * 5, created_by=lead))
        action.current_status = current
    Update.objects.bulk_create(updates, batch_size=2000)
    Action.objects.bulk_update(created, ["current_status"], batch_size=500)
    return plan, lead, viewer


def measure(client, url, repeat):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm up
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as context:
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries = len(context.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, queries


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=500)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        plan, lead, viewer = build(args.actions, args.months)
        built = time.perf_counter() - started
        vendor = connection.vendor
        print(f"Database: {vendor}; plan of {args.actions} actions x {args.months} months "
              f"({args.actions * args.months:,} updates) built in {built:.1f} s; "
              f"{args.repeat} requests per page")
        viewer_client, lead_client = Client(), Client()
        viewer_client.force_login(viewer)
        lead_client.force_login(lead)
        pages = [
            ("Plan page", viewer_client, reverse("improvement:plan_detail", args=[plan.pk])),
            ("Action table", viewer_client, reverse("improvement:action_table", args=[plan.pk])),
            ("Action table, filtered", viewer_client,
             reverse("improvement:action_table", args=[plan.pk]) + "?missing=on&q=action&sort=-status"),
            ("My actions", lead_client, reverse("improvement:my_actions")),
        ]
        print(f"{'page':<26}{'median ms':>10}{'p95 ms':>9}{'queries':>9}")
        for name, client, url in pages:
            median, p95, queries = measure(client, url, args.repeat)
            print(f"{name:<26}{median:>10.1f}{p95:>9.1f}{queries:>9}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
