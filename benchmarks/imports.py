"""Benchmark: importing a 1,000-action XLSX (reading and preview, then confirm), in a throwaway
test database (SQLite by default, PostgreSQL when DATABASE_URL is set).

    .venv/bin/python benchmarks/imports.py [--actions 1000]

Target (issue 5): under 10 s for preview plus confirm on a 2-core machine.
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def workbook(actions: int) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Action No.", "Reference to:", "Action", "Timescale", "Lead Person(s)", "Measures",
                  "Review note for this period", "RAG"])
    codes = ["G", "A", "R", "Gr", "B"]
    for n in range(actions):
        if n % 250 == 0:
            sheet.append([f"THEME {n // 250 + 1} - IMPROVING THE QUALITY OF PRACTICE PART {n // 250 + 1}"])
        sheet.append([f"{n // 250 + 1}.{n}", f"IN {n % 7 + 1}.{n % 3 + 1}, OIS 2012 1.{n % 5 + 1}",
                      "Ensure that child protection plans are focused on risk and clear about what needs to change.",
                      "WSCB to consider – 31 Jan 2013; plan – 31 Mar 2013", f"Head of Service {n % 15}",
                      "Case file audit\nIRO reporting", "Audit of twenty cases completed; actions agreed.",
                      codes[n % 5] if n % 5 != 4 else "B"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=1000)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from improvement.importing import engine, new_plan
    from improvement.importing.readers import read_upload
    from improvement.models import Organisation, RagScheme

    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        data = workbook(args.actions)
        plan = new_plan("Benchmark import", organisation=Organisation.objects.create(name="Benchmark Council"),
                        scheme=RagScheme.objects.get(slug="five-state"))
        plan.save()
        started = time.perf_counter()
        sheets = read_upload("plan.xlsx", data)
        mapping, _ = engine.proposed_mapping(sheets)
        result = engine.preview(sheets, plan, mapping)
        previewed = time.perf_counter()
        counts = engine.apply(result, plan, by=None)
        done = time.perf_counter()
        print(f"Database: {connection.vendor}; {len(data) / 1024:.0f} KB XLSX of {args.actions} actions")
        print(f"read + preview: {previewed - started:.2f} s; confirm (write): {done - previewed:.2f} s; "
              f"total {done - started:.2f} s; {counts}")
        started = time.perf_counter()
        engine.apply(engine.preview(read_upload("plan.xlsx", data), plan, mapping), plan, by=None)
        print(f"re-import of the same file (nothing changes): {time.perf_counter() - started:.2f} s")
        # The preview page itself, every action with its details, as the manager's browser gets it.
        from django.test import Client

        from improvement.importing.readers import sheets_to_json
        from improvement.models import PlanImport, User

        admin = User.objects.create(username="benchmark", is_superuser=True, is_staff=True)
        record = PlanImport.objects.create(plan=plan, uploaded_by=admin, filename="plan.xlsx", data=data,
                                           sheets=sheets_to_json(read_upload("plan.xlsx", data)))
        client = Client()
        client.force_login(admin)
        started = time.perf_counter()
        response = client.get(record.get_absolute_url())
        print(f"preview page of {args.actions} actions: {time.perf_counter() - started:.2f} s, "
              f"{len(response.content) / 1024:.0f} KB (status {response.status_code})")
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


if __name__ == "__main__":
    main()
