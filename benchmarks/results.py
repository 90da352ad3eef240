"""benchmarks/RESULTS.md: one section per benchmark, each replaced when its script runs again,
under a heading that names the machine."""

import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def machine() -> str:
    from django.db import connection

    server = ""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            server = f" {cursor.connection.info.server_version}"
    return (f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} "
            f"{platform.python_version()}, {connection.vendor}{server}")


def record(title: str, lines: list[str]) -> None:
    """Write (or replace) the section headed ``## title``, then print it."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    sections[title] = "\n".join(lines).strip() + "\n\n"
    head = ("# Benchmark results\n\nWritten by `make bench` (each script replaces its own section). "
            "Figures are from one machine, as named in each section; the machine is shared, so "
            "allow for noise.\n\n")
    RESULTS.write_text(head + "".join(f"## {name}\n{body}" for name, body in sections.items()).rstrip() + "\n",
                       encoding="utf-8")
    print(f"## {title}\n" + "\n".join(lines))
