"""Benchmark: a lead's 300-row offline workbook uploaded back (reading, checking every row and
rendering the preview's data, then confirming: 300 updates recorded through
record_updates()), in a throwaway test database (SQLite by default, PostgreSQL when
DATABASE_URL is set).

    .venv/bin/python benchmarks/workbook.py [--rows 300]

Target (issue 14): under 5 s for preview plus record on a 2-core machine.
"""

import argparse
import datetime
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.rows)
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


def run(count: int) -> None:
    import openpyxl
    from django.test import Client

    from boards import workbook
    from boards.models import UpdateRound, WorkbookUpload
    from improvement.models import Action, Organisation, Plan, Post, RagScheme, Theme, Update, User

    council = Organisation.objects.create(name="Benchmark Council")
    plan = Plan.objects.create(organisation=council, name="Benchmark plan", slug="bench",
                               rag_scheme=RagScheme.objects.get(slug="five-state"),
                               current_period=datetime.date(2012, 11, 1))
    lead = User.objects.create_user("bench-lead", organisation=council)
    post = Post.objects.create(organisation=council, title="Head of Service")
    post.holders.add(lead)
    themes = [Theme.objects.create(plan=plan, code=str(n), title=f"Theme {n}", position=n) for n in range(1, 6)]
    green = plan.rag_scheme.statuses.get(code="G")
    for n in range(count):
        action = Action.objects.create(plan=plan, theme=themes[n % 5], number=f"{n % 5 + 1}.{n}",
                                       description="Ensure that child protection plans are focused on risk "
                                                   "and clear about what needs to change.",
                                       due_date=datetime.date(2013, 3, 31))
        action.lead_posts.add(post)
        action.record_update(status=green, note="November: audit of twenty cases completed.", by=lead)
    round_ = UpdateRound.open_round(plan=plan, period=datetime.date(2012, 12, 1),
                                    deadline=datetime.date(2012, 12, 10), by=lead)

    started = time.perf_counter()
    rows = workbook.workbook_rows(round_, workbook.workbook_actions(round_, as_of=datetime.date(2012, 12, 5),
                                                                    person=lead))
    data = workbook.build_xlsx(round_, rows)
    made = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[workbook.SHEET_TITLE]
    status_column = workbook.KEYS.index("status") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row=row, column=status_column).value = "Amber" if row % 3 else "Green"
        sheet.cell(row=row, column=status_column + 1).value = f"December: row {row} progress as reported by email."
    filled = io.BytesIO()
    book.save(filled)
    filled = filled.getvalue()

    client = Client()
    client.force_login(lead)
    from django.core.files.uploadedfile import SimpleUploadedFile

    started_upload, cpu_started = time.perf_counter(), time.process_time()
    response = client.post(f"/rounds/{round_.pk}/workbook/upload/",
                           {"file": SimpleUploadedFile("lead.xlsx", filled)})
    assert response.status_code == 302, response.status_code
    upload = WorkbookUpload.objects.get()
    preview = client.get(upload.get_absolute_url())
    assert preview.status_code == 200 and f"Record {count} updates" in preview.content.decode()
    previewed = time.perf_counter()
    response = client.post(f"/workbooks/{upload.pk}/confirm/")
    assert response.status_code == 302
    done, cpu_done = time.perf_counter(), time.process_time()
    recorded = Update.objects.filter(period=round_.period).count()
    assert recorded == count, recorded
    from results import machine, record

    record(f"Offline workbook: {count} rows uploaded back ({connection_vendor()})", [
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} when it ran (2 cores shared).",
        f"A lead's workbook of {count} actions ({len(filled) / 1024:.0f} KB XLSX), every row filled in; test "
        "client, server time. Target (issue 14): under 5 s for preview plus record.",
        "",
        "| step | seconds |",
        "|---|---|",
        f"| workbook made (download) | {made - started:.2f} |",
        f"| upload + preview (read, check every row, page) | {previewed - started_upload:.2f} |",
        f"| confirm ({recorded} updates through record_updates()) | {done - previewed:.2f} |",
        f"| **preview plus record** | **{done - started_upload:.2f}** |",
        "",
        f"This process's CPU time for preview plus record: {cpu_done - cpu_started:.2f} s.",
    ])


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
