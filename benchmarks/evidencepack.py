"""Benchmark: the evidence pack of a 300-action plan with 600 evidence files of 200 KB, built as
the task worker builds it (reports.evidencepacks.build_to_temporary_file: every file streamed
from storage into the ZIP, hashed on the way; the index as HTML and tagged PDF), in a throwaway
test database (SQLite by default, PostgreSQL when DATABASE_URL is set) with the evidence in a
temporary folder.

    .venv/bin/python benchmarks/evidencepack.py [--actions 300] [--files 600] [--kb 200]

Prints the time and the peak memory of the build (this process's resident memory, sampled,
above what it held before the build) beside the size of the evidence, and records them in
benchmarks/RESULTS.md. The evidence is never held in memory: the peak should not grow with it.
"""

import argparse
import datetime
import os
import random
import resource
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class PeakMemory:
    """This process's resident memory, sampled every 20 ms from /proc (Linux)."""

    def __init__(self):
        self.peak = self.start = self.current()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def current() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _sample(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.current())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.current())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=300)
    parser.add_argument("--files", type=int, default=600)
    parser.add_argument("--kb", type=int, default=200)
    args = parser.parse_args()
    import django
    from django.conf import settings

    with tempfile.TemporaryDirectory() as folder:
        django.setup()
        settings.STORAGES = {**settings.STORAGES, "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": folder, "base_url": None}}}
        from django.db import connection
        from django.test.utils import setup_test_environment

        setup_test_environment()
        old = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            run(args.actions, args.files, args.kb * 1024)
        finally:
            connection.creation.destroy_test_db(old, verbosity=0)


def run(count: int, files: int, size: int) -> None:
    from django.core.files.base import ContentFile

    from improvement.clock import today
    from improvement.models import (
        Action,
        Evidence,
        Organisation,
        Plan,
        Post,
        RagScheme,
        Recommendation,
        Source,
        Theme,
        User,
    )
    from reports.evidencepacks import build_to_temporary_file, gather, write_evidence

    council = Organisation.objects.create(name="Benchmark Council")
    plan = Plan.objects.create(organisation=council, name="Benchmark plan", slug="bench",
                               rag_scheme=RagScheme.objects.get(slug="five-state"),
                               current_period=datetime.date(2012, 12, 1))
    lead = User.objects.create_user("bench-lead", organisation=council, first_name="Bench", last_name="Lead")
    post = Post.objects.create(organisation=council, title="Head of Service")
    post.holders.add(lead)
    source = Source.objects.create(plan=plan, key="OIS 2012", kind=Source.Kind.OFSTED_INSPECTION,
                                   title="Ofsted inspection", published=datetime.date(2012, 7, 31))
    recommendations = [Recommendation.objects.create(source=source, reference=f"{n // 10 + 1}.{n % 10 + 1}",
                                                     text="Ensure that plans are focused on risk.")
                       for n in range(count // 5)]
    themes = [Theme.objects.create(plan=plan, code=str(n), title=f"Theme {n}", position=n) for n in range(1, 6)]
    statuses = {code: plan.rag_scheme.statuses.get(code=code) for code in ("A", "G", "R")}
    generator = random.Random(16)
    setup_started = time.perf_counter()
    per_action = max(1, files // count)
    made = 0
    for n in range(count):
        action = Action.objects.create(plan=plan, theme=themes[n % 5], number=f"{n % 5 + 1}.{n}",
                                       description="Audit twenty child protection cases a month and report "
                                                   "the findings to the Board.", due_date=datetime.date(2013, 3, 31))
        action.lead_posts.add(post)
        action.recommendations.add(recommendations[n // 5])
        for month, code in ((10, "A"), (11, "G")):
            action.record_update(status=statuses[code], note=f"Month {month}: audits completed as planned.", by=lead,
                                 period=datetime.date(2012, month, 1))
        evidence = []
        for _ in range(per_action if n < count - 1 else files - made):
            item = Evidence(title=f"Audit report {made + 1}", original_name=f"audit-{made + 1}.pdf",
                            content_type="application/pdf", size=size)
            item.file.save(f"audit-{made + 1}.pdf", ContentFile(generator.randbytes(size)), save=False)
            evidence.append(item)
            made += 1
        action.record_update(status=statuses["G" if n % 4 else "R"], note="December: on track.", by=lead,
                             evidence=evidence)
    setup_seconds = time.perf_counter() - setup_started
    evidence_bytes = made * size

    started, cpu = time.perf_counter(), time.process_time()
    with PeakMemory() as memory:
        handle, built, checksum, zip_size = build_to_temporary_file(plan, today(),
                                                                    version_label="Version 1")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    handle.close()
    assert built.files == made and not built.missing, (built.files, built.missing)

    started = time.perf_counter()
    with PeakMemory() as index_memory:
        handle, _built, _checksum, index_size = build_to_temporary_file(plan, today(),
                                                                        index_only=True, version_label="Version 2")
    index_seconds = time.perf_counter() - started
    handle.close()

    # The files alone, streamed into a ZIP as the build does, without the index: their own memory.
    contents = gather(plan, today())
    started = time.perf_counter()
    with PeakMemory() as stream_memory, tempfile.TemporaryFile() as target, \
            zipfile.ZipFile(target, "w", allowZip64=True) as archive:
        streamed, _missing, _manifest = write_evidence(archive, contents)
    stream_seconds = time.perf_counter() - started
    assert streamed == made

    mb = 2 ** 20
    from results import machine, record

    record(f"Evidence pack: {count} actions, {made} files of {size // 1024} KB ({connection_vendor()})", [
        f"Machine: {machine()}; load average {os.getloadavg()[0]:.1f} when it ran (2 cores shared); "
        f"{datetime.date.today():%-d %B %Y}.",
        f"A plan of {count} actions answering {len(recommendations)} recommendations, three updates each, and "
        f"{made} evidence files of {size // 1024} KB ({evidence_bytes / mb:.0f} MB), built as the task worker "
        f"builds it (setup took {setup_seconds:.0f} s). Peak memory: this process's resident memory, sampled "
        "every 20 ms, above what it held before the build.",
        "",
        "| pack | seconds | CPU s | ZIP MB | peak memory above start MB | resident at start MB |",
        "|---|---|---|---|---|---|",
        f"| index and files | {seconds:.2f} | {cpu_seconds:.2f} | {zip_size / mb:.1f} | "
        f"{(memory.peak - memory.start) / mb:.0f} | {memory.start / mb:.0f} |",
        f"| index alone (files read for their checksums) | {index_seconds:.2f} | – | {index_size / mb:.1f} | "
        f"{(index_memory.peak - index_memory.start) / mb:.0f} | {index_memory.start / mb:.0f} |",
        f"| the {made} files alone streamed into a ZIP (no index) | {stream_seconds:.2f} | – | "
        f"{evidence_bytes / mb:.0f} | {(stream_memory.peak - stream_memory.start) / mb:.0f} | "
        f"{stream_memory.start / mb:.0f} |",
        "",
        "Steps of the full build, seconds: " + ", ".join(f"{step} {value:.2f}" for step, value in built.seconds.items())
        + f"; the PDF index has {built.pages} pages.",
        "",
        f"Process peak (ru_maxrss) over the whole run: "
        f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB. SHA-256 of the pack: {checksum[:16]}….",
    ])


def connection_vendor() -> str:
    from django.db import connection

    return connection.vendor


if __name__ == "__main__":
    main()
