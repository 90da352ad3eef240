"""Benchmark: board pack rendering for plans of 60, 300 and 1,000 actions.

For each size, in a fresh process (so peak memory is that size's own): builds a plan with a
meeting and a month of review notes in a throwaway test database, renders the pack as the task
worker does (``render_pack_pdf``: one document up to 100 actions, in parts above; after one
warm-up render, as a worker would, and with no stored parts), and prints pages, seconds, pages
per second and peak memory (of the rendering process, and of it with its worker processes,
sampled every 20 ms); then the time headless Chromium's print-to-PDF takes on the whole pack as
one HTML document and the throughput ratio; and the time of the request that starts generation
(it only queues the work). Each size is measured with PACK_RENDER_PROCESSES=1 and, above 100
actions, 2.

Then, for a pack in parts, how much of that first render its stored parts save (``reuse``):
issuing it right after the draft (nothing changed), and re-issuing it after one action's update
changed its status and its note, the note either reworded at the same length or rewritten at
another; each with the parts rendered again and the pages whose content changed.

    .venv/bin/python benchmarks/packs.py [--sizes 60 300 1000] [--processes 1 2] [--measures 50]

``--measures 50`` gives each plan a scorecard of 50 measures (as generate_sample_data builds
them: targets, links to actions, a year of values), so the time includes the measures wherever
the pack shows them. (When this option was added the pack showed none yet: only the actions'
free-text measures of success, so the times did not change.)

Targets (issue 4): 60 actions under 3 s; at least half Chromium's pages per second; under
400 MB peak for 1,000 actions; the starting request under 200 ms. Stored parts: re-issuing a
300-action pack with one changed action in under a quarter of the first render's time.
"""

import argparse
import contextlib
import io
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def build(actions: int, measures: int = 0):
    import datetime
    import random

    from boards.models import Board, BoardMember, Meeting, ReviewNote, UpdateRound
    from improvement.models import Action, Organisation, Plan, PlanRole, Post, RagScheme, Theme, Update, User

    rng = random.Random(actions)
    scheme = RagScheme.objects.get(slug="five-state")
    statuses = list(scheme.statuses.all())
    council = Organisation.objects.create(name="Benchmark Council")
    plan = Plan.objects.create(organisation=council, name=f"Benchmark plan of {actions}", slug="bench",
                               rag_scheme=scheme, current_period=datetime.date(2013, 1, 1))
    manager = User.objects.create_user("bench-manager", password="x" * 12, organisation=council)
    PlanRole.objects.create(plan=plan, user=manager, role=PlanRole.Role.MANAGER)
    posts = [Post.objects.create(organisation=council, title=f"Head of Service {n}") for n in range(12)]
    themes = [Theme.objects.create(plan=plan, code=str(n), title=f"Theme {n}", position=n,
                                   outcomes="1. Children are safe.\n2. Partners work together.") for n in range(1, 5)]
    created = Action.objects.bulk_create(
        Action(plan=plan, theme=themes[n % 4], number=f"{n % 4 + 1}.{n}", number_sort=f"{n:08d}",
               description="Ensure that child protection plans are focused on risk and are clear about what "
                           "needs to change and how this change will be supported. " * rng.randint(1, 2),
               timescale="31 Mar 2013", due_date=datetime.date(2013, 3, 31), lead_agency="Council",
               measures="Case file audit\nAudit of CP plans complete\nIRO reporting")
        for n in range(actions))
    Action.lead_posts.through.objects.bulk_create(
        Action.lead_posts.through(action_id=a.pk, post_id=posts[i % 12].pk) for i, a in enumerate(created))
    updates = []
    for action in created:
        for month in (11, 12, 1):
            period = datetime.date(2012 if month > 1 else 2013, month, 1)
            status = rng.choice(statuses)
            action.current_status = status
            updates.append(Update(action=action, period=period, status=status, note="Progress reviewed at the "
                                  "operational group; audit sample of twenty cases completed. " * rng.randint(1, 3)))
    Update.objects.bulk_create(updates, batch_size=2000)
    Action.objects.bulk_update(created, ["current_status"], batch_size=500)
    board = Board.objects.create(name="Benchmark Board", kind="improvement_board")
    board.plans.add(plan)
    BoardMember.objects.create(board=board, user=manager, role="officer")
    round_ = UpdateRound.objects.create(plan=plan, period=plan.current_period, deadline=datetime.date(2013, 1, 10))
    meeting = Meeting.objects.create(board=board, plan=plan, round=round_, date=datetime.date(2013, 1, 21))
    for action in created[: max(3, actions // 20)]:
        ReviewNote.objects.create(meeting=meeting, action=action, author=manager, kind="challenge",
                                  text="What does the latest audit show?")
    if measures:
        from boards.management.commands.generate_sample_data import sample_measures

        sample_measures(rng, plan, created, posts, manager, measures, start=datetime.date(2012, 2, 1), months=12,
                        first_action=created[0])
    return meeting, manager


def measure_one(actions: int, measures: int = 0) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from reports.models import StoredPackPart
    from reports.packs import render_pack_html, render_pack_pdf
    from reports.pdfparts import ONE_DOCUMENT_ACTIONS, stop_workers

    setup_test_environment()
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        meeting, manager = build(actions, measures)
        render_pack_pdf(meeting, **DRAFT)
        StoredPackPart.objects.all().delete()  # the measured render finds no stored parts
        with MemorySampler() as memory:
            started = time.perf_counter()
            pdf, pages = render_pack_pdf(meeting, **DRAFT)
            seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = {"actions": actions, "measures": measures, "pages": pages, "seconds": seconds, "peak_mb": peak_mb,
                  "all_mb": memory.peak_mb, "bytes": len(pdf)}
        if actions > ONE_DOCUMENT_ACTIONS:
            result["reuse"] = reuse(meeting, manager, pdf)
        stop_workers()
        result.update(chromium(render_pack_html(meeting, for_pdf=True), pages))

        from django.conf import settings

        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
        settings.ALLOWED_HOSTS = ["testserver"]
        client = Client()
        client.force_login(manager)
        url = reverse("reports:pack_generate", args=[meeting.pk])
        client.post(url, {"purpose": "draft"})
        times = []
        for _ in range(10):
            t = time.perf_counter()
            client.post(url, {"purpose": "draft"})
            times.append((time.perf_counter() - t) * 1000)
        result["start_request_ms"] = sorted(times)[len(times) // 2]
        return result
    finally:
        connection.creation.destroy_test_db(old, verbosity=0)


DRAFT = {"status_label": "Draft: not issued", "version_label": "Draft"}  # as the task worker labels them
REWRITTEN_NOTE = ("Corrected after the draft was circulated: the audit sample of twenty cases is complete and its "
                  "findings go to the March board.")


def reuse(meeting, manager, draft: bytes) -> dict:
    """Issue the pack right after its draft, then re-issue it after one action's update changed
    its status and note (the middle action by number, the next status of the scheme): seconds,
    parts rendered again (new stored parts) and pages whose content changed."""
    from django.db import transaction

    from improvement.models import Action
    from reports.models import StoredPackPart
    from reports.packs import render_pack_pdf

    def issue(version):
        before = StoredPackPart.objects.count()
        started = time.perf_counter()
        pdf, _pages = render_pack_pdf(meeting, status_label=f"Issued: version {version}",
                                      version_label=f"Version {version}")
        return pdf, time.perf_counter() - started, StoredPackPart.objects.count() - before

    issued, seconds, rendered = issue(1)
    result = {"issue": (seconds, rendered, changed_pages(draft, issued)), "parts": StoredPackPart.objects.count(),
              "stored_mb": sum(len(pdf) for pdf in StoredPackPart.objects.values_list("pdf", flat=True)) / 2**20}
    actions = list(Action.objects.filter(plan=meeting.plan).order_by("number_sort"))
    action = actions[len(actions) // 2]
    statuses = list(meeting.plan.rag_scheme.statuses.order_by("position"))
    was = action.current_status
    status = statuses[(statuses.index(was) + 1) % len(statuses)]
    on_list = {entry.action.pk for entry in meeting.attention_list()}
    note = action.updates.get(period=meeting.round.period).note
    for name, new_note in (("reworded", note.replace("twenty", "thirty")), ("rewritten", REWRITTEN_NOTE)):
        with transaction.atomic():  # undone afterwards, stored parts included: each starts from the issued pack
            action.record_update(status=status, note=new_note, by=manager, period=meeting.round.period)
            pdf, seconds, rendered = issue(2)
            result[name] = (seconds, rendered, changed_pages(issued, pdf))
            now_on_list = {entry.action.pk for entry in meeting.attention_list()}
            transaction.set_rollback(True)
    result["change"] = (f"action {action.number} of {len(actions)} from {was.label} to "
                        f"{status.label}, {'on' if action.pk in on_list else 'not on'} the attention list before "
                        f"and {'on' if action.pk in now_on_list else 'not on'} it after; its note of {len(note)} "
                        f"characters reworded, or rewritten in {len(REWRITTEN_NOTE)}")
    return result


def changed_pages(before: bytes, after: bytes) -> int:
    """Pages whose text differs, the status and version labels and the time produced apart."""
    from pypdf import PdfReader

    def texts(pdf):
        return [re.sub(r"Issued: version \d+|Draft: not issued|Version \d+|Draft|Produced.*", "", page.extract_text())
                for page in PdfReader(io.BytesIO(pdf)).pages]

    old, new = texts(before), texts(after)
    return sum(a != b for a, b in zip(old, new, strict=False)) + abs(len(old) - len(new))


class MemorySampler:
    """The peak of this process's resident memory plus its child processes', sampled."""

    def __enter__(self):
        import threading

        self.peak_mb, self._stop = 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self):
        while not self._stop.wait(0.02):
            pids = [os.getpid()]
            for task in Path("/proc/self/task").iterdir():
                pids += (task / "children").read_text().split()
            total = 0
            for pid in pids:
                with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a process that just ended
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            self.peak_mb = max(self.peak_mb, total / 2**20)


def chromium(html: str, weasy_pages: int) -> dict:
    browser = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(browser):
        return {"chromium_seconds": None}
    from django.contrib.staticfiles import finders
    from pypdf import PdfReader

    def local(match):
        return f'href="file://{finders.find(match[1])}"'

    import re

    page_html = re.sub(r'href="/static/([^"]+)"', local, html)
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "pack.html", Path(folder) / "pack.pdf"
        source.write_text(page_html, encoding="utf-8")
        command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--no-first-run", f"--user-data-dir={folder}/profile",
                   "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri()]
        subprocess.run(command, capture_output=True, timeout=120, check=False)  # warm-up
        started = time.perf_counter()
        subprocess.run(command, capture_output=True, timeout=120, check=True)
        seconds = time.perf_counter() - started
        pages = len(PdfReader(str(target)).pages)
    return {"chromium_seconds": seconds, "chromium_pages": pages}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[60, 300, 1000])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--measures", type=int, default=0, help="measures on each plan's scorecard (e.g. 50)")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(args.one, args.measures)))
        return
    print(f"{'actions':>8}{'procs':>6}{'pages':>7}{'seconds':>9}{'pages/s':>9}{'peak MB':>9}{'all MB':>8}"
          f"{'chromium s':>12}{'chr. pages/s':>13}{'ratio':>7}{'start ms':>10}")
    table = ["| actions | processes | pages | WeasyPrint s | pages/s | peak MB | with workers MB | Chromium s | "
             "Chromium pages/s | ratio | start request ms |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    import django

    django.setup()
    from reports.pdfparts import ONE_DOCUMENT_ACTIONS

    reuse_table = ["| actions | processes | first render s | issue after the draft s | ratio | parts rendered "
                   "| re-issue, note reworded s | ratio | parts rendered | pages changed "
                   "| re-issue, note rewritten s | ratio | parts rendered | pages changed |",
                   "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    changes = {}
    for size, processes in [(size, n) for size in args.sizes for n in args.processes
                            if n == 1 or size > ONE_DOCUMENT_ACTIONS]:
        out = subprocess.run([sys.executable, __file__, "--one", str(size), "--measures", str(args.measures)],
                             capture_output=True, text=True,
                             check=True, cwd=ROOT, env={**os.environ, "PACK_RENDER_PROCESSES": str(processes)})
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rate = r["pages"] / r["seconds"]
        if r.get("chromium_seconds"):
            chrome_rate = r["chromium_pages"] / r["chromium_seconds"]
            chrome = f"{r['chromium_seconds']:>12.2f}{chrome_rate:>13.1f}{rate / chrome_rate:>7.2f}"
        else:
            chrome = f"{'n/a':>12}{'n/a':>13}{'n/a':>7}"
        print(f"{r['actions']:>8}{processes:>6}{r['pages']:>7}{r['seconds']:>9.2f}{rate:>9.1f}{r['peak_mb']:>9.0f}"
              f"{r['all_mb']:>8.0f}{chrome}{r['start_request_ms']:>10.1f}")
        table.append(f"| {r['actions']:,} | {processes} | {r['pages']} | {r['seconds']:.2f} | {rate:.1f} | "
                     f"{r['peak_mb']:.0f} | {r['all_mb']:.0f} | " + " | ".join(chrome.split())
                     + f" | {r['start_request_ms']:.0f} |")
        if "reuse" in r:
            reuse_table.append(reuse_row(r, processes))
            reused = r["reuse"]
            changes[size] = (f"{r['actions']:,} actions: {reused['change']}; its {reused['parts']} stored parts "
                             f"hold {reused['stored_mb']:.1f} MB.")
            print(reuse_table[-1])
    from results import machine, record

    scorecard = f"Each plan has a scorecard of {args.measures} measures. " if args.measures else ""
    reuse = ["", "Reusing stored parts (packs in parts only): each pack "
             "issued right after its draft, then re-issued after one action's update changed its status and its "
             "note, reworded at the same length or rewritten at another (each change undone before the next); "
             "ratio is to the first render's seconds; parts rendered are those stored anew (of the pack's parts "
             "and the two layers of its margins; the cover and contents, which are always rendered, are not "
             "counted); pages changed are those whose text differs from the issued pack's, labels apart.", "",
             *reuse_table, "", "The changed action, and what the store holds: " + " ".join(changes.values())]
    record("Board packs against Chromium" + (f", {args.measures} measures a plan" if args.measures else ""), [
        f"Machine: {machine()}.", scorecard + "Each size rendered in its own process after a warm-up render, "
        "as the task worker renders it (one document up to 100 actions, in parts above; `processes` is "
        "PACK_RENDER_PROCESSES); peak MB is the rendering process's, with workers MB adds its worker "
        "processes'; Chromium's `--print-to-pdf` on the whole pack as one HTML document (its time "
        "includes its own start).", "", *table,
        # Only packs in parts store and reuse parts: with no size above 100 actions, no such table.
        *(reuse if changes else [])])


def reuse_row(r: dict, processes: int) -> str:
    first, reuse = r["seconds"], r["reuse"]
    cells = [f"{r['actions']:,}", str(processes), f"{first:.2f}"]
    issue_seconds, issue_parts, _pages = reuse["issue"]
    cells += [f"{issue_seconds:.2f}", f"{issue_seconds / first:.2f}", f"{issue_parts} of {reuse['parts']}"]
    for name in ("reworded", "rewritten"):
        seconds, parts, pages = reuse[name]
        cells += [f"{seconds:.2f}", f"{seconds / first:.2f}", f"{parts} of {reuse['parts']}",
                  f"{pages} of {r['pages']}"]
    return "| " + " | ".join(cells) + " |"

if __name__ == "__main__":
    main()
