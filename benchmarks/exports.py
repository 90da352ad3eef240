"""Benchmark: exporting the action table at 100,000 rows.

In a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set), builds
one plan of --rows actions (each with a lead, a recommendation and an update this period),
then times, as the plan's manager: the CSV export streamed through Django's test client
(time to the first row and to the last), and the XLSX export, which at this size is queued
and built by the background task (the request's time, then the task's). Prints rows per
second and peak memory and writes its section of RESULTS.md.

    .venv/bin/python benchmarks/exports.py [--rows 100000]

Target (issue 7): a CSV export of 100,000 rows streams in under 3 s; XLSX in the background.
"""

import argparse
import datetime
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def build(rows: int):
    from django.db import connection

    from improvement.models import (
        Action,
        Organisation,
        Plan,
        PlanRole,
        Post,
        RagScheme,
        Recommendation,
        Source,
        Theme,
        Update,
        User,
    )

    scheme = RagScheme.objects.get(slug="five-state")
    statuses = list(scheme.statuses.all())
    council = Organisation.objects.create(name="Export Council")
    period = datetime.date(2013, 1, 1)
    plan = Plan.objects.create(organisation=council, name="Export plan", slug="export", rag_scheme=scheme,
                               current_period=period)
    manager = User.objects.create_user("export-manager", organisation=council)
    PlanRole.objects.create(plan=plan, user=manager, role=PlanRole.Role.MANAGER)
    posts = Post.objects.bulk_create(Post(organisation=council, title=f"Head of Service {n}") for n in range(20))
    source = Source.objects.create(plan=plan, key="OIS", kind="ofsted_inspection", title="Ofsted inspection")
    recommendations = Recommendation.objects.bulk_create(
        Recommendation(source=source, reference=str(n), text=f"Recommendation {n}") for n in range(1, 31))
    themes = Theme.objects.bulk_create(Theme(plan=plan, code=str(n), title=f"Theme {n}", position=n)
                                       for n in range(1, 6))
    actions = Action.objects.bulk_create(
        (Action(plan=plan, theme=themes[n % 5], number=f"{n % 5 + 1}.{n}", number_sort=f"{n:08d}",
                description="Ensure that child protection plans are focused on risk and clear about change.",
                lead_agency="Council", timescale="Mar 2013", due_date=datetime.date(2013, 3, 31),
                measures="Case file audit", current_status=statuses[n % len(statuses)]) for n in range(rows)),
        batch_size=5000)
    through = Action.lead_posts.through
    through.objects.bulk_create((through(action_id=a.pk, post_id=posts[i % 20].pk) for i, a in enumerate(actions)),
                                batch_size=10000)
    through = Action.recommendations.through
    through.objects.bulk_create((through(action_id=a.pk, recommendation_id=recommendations[i % 30].pk)
                                 for i, a in enumerate(actions)), batch_size=10000)
    Update.objects.bulk_create((Update(action=a, period=period, status=a.current_status, note="On track.")
                                for a in actions), batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would, soon after a bulk load
    return plan, manager


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from results import machine, record

    from improvement.models import Export
    from improvement.tasks import build_export

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        started = time.perf_counter()
        plan, manager = build(args.rows)
        print(f"Built a plan of {args.rows:,} actions in {time.perf_counter() - started:.0f} s")
        client = Client()
        client.force_login(manager)
        url = reverse("improvement:action_table", args=[plan.pk])

        runs = []
        for _ in range(3):
            started = time.perf_counter()
            response = client.get(url + "?export=csv")
            first, lines = None, 0
            for chunk in response.streaming_content:
                if first is None:
                    first = time.perf_counter() - started
                lines += chunk.count(b"\n")
            runs.append((time.perf_counter() - started, first))
            assert lines == args.rows + 1, lines
        csv_seconds, first = sorted(runs)[1]  # the median of three

        started = time.perf_counter()
        response = client.get(url + "?export=xlsx")
        request_ms = (time.perf_counter() - started) * 1000
        export = Export.objects.get()
        assert response.status_code == 302, response.status_code
        started = time.perf_counter()
        build_export.call(export.pk)
        xlsx_seconds = time.perf_counter() - started
        export.refresh_from_db()
        assert export.status == Export.Status.READY and export.rows == args.rows, (export.status, export.error)
        size_mb = export.file.size / 1024 / 1024
        export.file.delete(save=False)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        record("Exports of the action table", [
            f"Machine: {machine()}.",
            f"A plan of {args.rows:,} actions, exported whole by its manager (test client, server time).", "",
            "| export | seconds | rows per second | notes |", "|---|---|---|---|",
            f"| CSV, streamed (median of 3) | {csv_seconds:.2f} | {args.rows / csv_seconds:,.0f} | first row after "
            f"{first * 1000:.0f} ms |",
            f"| XLSX, background task | {xlsx_seconds:.2f} | {args.rows / xlsx_seconds:,.0f} | the request that "
            f"queues it: {request_ms:.0f} ms; file {size_mb:.1f} MB |",
            "", f"Peak memory of the process (building the data included): {peak:.0f} MB."])
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
