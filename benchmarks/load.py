"""Benchmark: 50 simulated users for 60 seconds through gunicorn (`make serve`), on loopback.

Needs DATABASE_URL: the PostgreSQL database of `manage.py generate_sample_data` (scale.py
builds it when missing). Signs in each sample council's manager and lead beforehand (sessions
in the database, so the run measures pages, not the deliberately slow password hash), starts
scripts/serve.sh on a free port with WEB_CONCURRENCY web workers, and runs locust headless:
each user reads the main pages of their council's plans (plan, theme, action, action table,
My actions, round status, dashboard, meeting, board pack web page: boards/samples.py) with 2 to
8 seconds between clicks. Writes its section of RESULTS.md: requests per second, median, p95 and
errors, per page and overall.

    DATABASE_URL=postgres://… .venv/bin/python benchmarks/load.py [--users 50] [--seconds 60] [--capacity]

With --capacity, the same server then takes steps of 25 more users (25, 50, 75, ...), each
measured for 30 s once all its users have arrived, and stops at the first step with p95 at or
over 300 ms or any error (if 25 users miss already, it halves: 12, 6, 3, 1): the highest user
count that held is the capacity, written with its throughput in a section of its own.

Target (issue 7): 50 users at p95 under 300 ms with zero errors, on a 2-core machine; report the
capacity (the most users holding that p95) and its throughput.
"""

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

TARGET_P95_MS = 300


def people() -> list[dict]:
    """Each sample council's manager and lead, signed in, with the pages they read."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from boards.samples import main_pages
    from improvement.models import Plan

    readers: dict[int, dict] = {}
    for plan in Plan.objects.filter(slug__startswith="sample-").order_by("pk"):
        pages = main_pages(plan)
        for user in {user.pk: user for _, user, _ in pages}.values():  # the manager and the lead read them all
            reader = readers.setdefault(user.pk, {"user": user, "pages": []})
            reader["pages"] += [[name, url] for name, _, url in pages]
    result = []
    for reader in readers.values():
        user = reader["user"]
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]  # the model backend (axes is first)
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session["signed_in_at"] = int(time.time())
        session.create()
        result.append({"session": session.session_key, "pages": reader["pages"]})
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} within {seconds:.0f} s")


def locust(port: int, users_file: Path, folder: Path, *, users: int, seconds: int, spawn_rate: float,
           reset_after_spawn: bool = False) -> list[dict]:
    """One headless locust run against the server; its stats rows (per page, then "Aggregated")."""
    stats = folder / f"load-{users}-{seconds}"
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"),
         "--headless", "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
         "--host", f"http://127.0.0.1:{port}", "--csv", str(stats), "--only-summary", "--loglevel", "WARNING",
         "--exit-code-on-error", "0", *(["--reset-stats"] if reset_after_spawn else [])],
        env={**os.environ, "LOAD_USERS": str(users_file)}, check=True, timeout=seconds + 120,
        stdout=subprocess.DEVNULL)
    with open(f"{stats}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def overall(rows: list[dict]) -> dict:
    return next(row for row in rows if row["Name"] == "Aggregated")


def holds(row: dict) -> bool:
    return int(row["Failure Count"]) == 0 and float(row["95%"]) < TARGET_P95_MS


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (WEB_CONCURRENCY)")
    parser.add_argument("--spawn-rate", type=float, default=5, help="users arriving per second")
    parser.add_argument("--capacity", action="store_true",
                        help="then search for the most users holding p95 under 300 ms with no errors")
    parser.add_argument("--step", type=int, default=25, help="capacity search: users added at each step")
    parser.add_argument("--step-seconds", type=int, default=30, help="capacity search: measured time per step")
    parser.add_argument("--max-users", type=int, default=400, help="capacity search: stop here")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("load.py needs DATABASE_URL=postgres://… (the sample data's database)")
    # The sessions made here must be readable by the server: one secret for both.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(64))
    import django

    django.setup()
    from results import machine, record

    from improvement.models import Plan

    if not Plan.objects.filter(slug__startswith="sample-").exists():
        raise SystemExit("No sample data: run benchmarks/scale.py (or manage.py generate_sample_data) first")
    steps = []
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        users_file = folder / "users.json"
        users_file.write_text(json.dumps(people()), encoding="utf-8")
        port = free_port()
        env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": str(args.workers), "LOG_LEVEL": "WARNING"}
        server = subprocess.Popen(["scripts/serve.sh"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
            rows = locust(port, users_file, folder, users=args.users, seconds=args.seconds,
                          spawn_rate=args.spawn_rate)
            if args.capacity:
                def step(users):
                    # The workers finish what the last run left queued before this one starts; the
                    # users all arrive within about five seconds, and the stats start again then.
                    wait_until_up(f"http://127.0.0.1:{port}/healthz", seconds=120)
                    spawn_rate = max(args.spawn_rate, users / 5)
                    result = overall(locust(port, users_file, folder, users=users,
                                            seconds=args.step_seconds + int(users / spawn_rate) + 1,
                                            spawn_rate=spawn_rate, reset_after_spawn=True))
                    steps.append((users, result))
                    print(f"{users} users: {float(result['Requests/s']):.1f} requests/s, p95 {result['95%']} ms, "
                          f"{result['Failure Count']} errors")
                    return holds(result)

                users = args.step
                if step(users):
                    while users + args.step <= args.max_users and step(users + args.step):
                        users += args.step
                else:  # not even the first step: halve until a count holds, for a figure all the same
                    while users > 1 and not step(users := users // 2):
                        pass
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    setting = (f"through gunicorn ({args.workers} workers, `make serve`: whitenoise, pooled connections, JSON logs) "
               "on loopback, locust on the same 2 cores; 2 to 8 s between clicks; each user is a sample council's "
               "manager or lead reading the main pages")
    head = overall(rows)
    lines = [f"Machine: {machine()}.",
             f"{args.users} users for {args.seconds} s {setting}, {args.spawn_rate:g} users arriving per second. "
             f"Target: p95 under {TARGET_P95_MS} ms, zero errors: "
             f"**{'met' if holds(head) else 'missed'}**.", "",
             "| page | requests | per second | median ms | p95 ms | errors |", "|---|---|---|---|---|---|"]
    for row in rows:
        name = "**All pages**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(f"| {name} | {row['Request Count']} | {float(row['Requests/s']):.1f} | {row['50%']} | "
                     f"{row['95%']} | {row['Failure Count']} |")
    record("Load test: 50 users through gunicorn", lines)
    if steps:
        held = [(users, result) for users, result in steps if holds(result)]
        if held:
            users, result = max(held, key=lambda pair: pair[0])
            verdict = (f"**Capacity: {users} users** at {float(result['Requests/s']):.1f} requests a second "
                       f"(p95 {result['95%']} ms, no errors)")
            missed = [users for users, result in steps if not holds(result)]
            verdict += (f"; {min(missed)} users missed it." if missed else
                        f"; the search stopped at --max-users {args.max_users} with the target still held.")
        else:
            verdict = "**Capacity: none**: even a single user missed the target."
        lines = [f"Machine: {machine()}.",
                 f"Steps of {args.step} more users {setting}; each step's users all arrive within about 5 s, then "
                 f"{args.step_seconds} s are measured. The search stops at the first step with p95 at or over "
                 f"{TARGET_P95_MS} ms or any error (when the first step misses, it halves the users until a "
                 "count holds).", "",
                 "| users | requests | per second | median ms | p95 ms | errors | holds? |",
                 "|---|---|---|---|---|---|---|",
                 *(f"| {users} | {step['Request Count']} | {float(step['Requests/s']):.1f} | {step['50%']} | "
                   f"{step['95%']} | {step['Failure Count']} | {'yes' if holds(step) else 'no'} |"
                   for users, step in steps),
                 "", verdict]
        record("Load capacity: most users holding p95 under 300 ms", lines)


if __name__ == "__main__":
    main()
