"""Benchmark: the query count of each main page at 1x, 10x and 100x data.

In a throwaway test database (SQLite by default, PostgreSQL when DATABASE_URL is set), builds
one sample plan per size with generate_sample_data (1x: 30 actions x 4 months; 10x: 100 x 12;
100x: 300 x 40, so 100 times the updates) and counts the queries of each main page, signed in
as the plan's manager (My actions: the council's lead). Writes its section of RESULTS.md.

    .venv/bin/python benchmarks/querycounts.py

Target (issue 7): every page's query count is the same at 1x, 10x and 100x.
"""

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SIZES = [("1x", 30, 4), ("10x", 100, 12), ("100x", 300, 40)]


def main():
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from results import machine, record

    from boards.samples import main_pages
    from improvement.models import Plan, Update

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        counts, sizes = {}, []
        for label, actions, months in SIZES:
            prefix = f"Size{label}"
            call_command("generate_sample_data", stdout=io.StringIO(), prefix=prefix, councils=1,
                         plans_per_council=1, actions=actions, months=months)
            plan = Plan.objects.get(slug=f"{prefix.lower()}-1-1")
            sizes.append(f"{label}: {actions} actions, {Update.objects.filter(action__plan=plan).count():,} updates")
            for name, user, url in main_pages(plan):
                client = Client()
                client.force_login(user)
                client.get(url)
                with CaptureQueriesContext(connection) as context:
                    response = client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                counts.setdefault(name, []).append(len(context.captured_queries))
        lines = [f"Machine: {machine()}.", "Data: " + "; ".join(sizes) + ".", "",
                 "| page | " + " | ".join(label for label, _, _ in SIZES) + " | same? |",
                 "|---|" + "---|" * (len(SIZES) + 1)]
        lines += [f"| {name} | " + " | ".join(map(str, values)) + f" | {'yes' if len(set(values)) == 1 else 'NO'} |"
                  for name, values in counts.items()]
        record("Query counts at 1x, 10x and 100x data", lines)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
