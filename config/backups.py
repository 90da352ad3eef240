"""Backups and the restore drill (`make restore-drill`, docs/deploying.md).

SQLite is copied with its online backup API (consistent while the app runs); PostgreSQL with
``pg_dump`` in custom format and restored with ``pg_restore`` into a new database. The drill
then compares row counts table by table.
"""

import datetime
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def sqlite_backup(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


def sqlite_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as db:
        tables = [row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def postgres_counts(url: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(url) as db:
        tables = [row[0] for row in db.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        return {table: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}  # noqa: S608


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def postgres_backup_and_restore(url: str, folder: Path) -> tuple[Path, str]:
    """pg_dump the database at ``url`` into ``folder`` and restore it into a new database;
    returns (dump file, URL of the restored database)."""
    tools = {tool: shutil.which(tool) for tool in ("pg_dump", "pg_restore")}
    for tool, path in tools.items():
        if not path:
            raise RuntimeError(f"{tool} is not installed (Debian package postgresql-client)")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d%H%M%S")
    dump = folder / f"drill-{stamp}.dump"
    # The operator's own DATABASE_URL, passed as one argument with no shell: nothing to inject.
    subprocess.run([tools["pg_dump"], "--format=custom", "--no-owner", f"--file={dump}", url], check=True)  # noqa: S603
    restored_name = f"{urlsplit(url).path.lstrip('/')}_restore_{stamp}"
    import psycopg

    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{restored_name}"')
    restored = _with_database(url, restored_name)
    subprocess.run([tools["pg_restore"], "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],  # noqa: S603
                   check=True)
    return dump, restored


def drop_postgres_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def compare(source: dict[str, int], restored: dict[str, int]) -> list[tuple[str, int, int | None]]:
    """Rows (table, source count, restored count) for every table that differs."""
    return [(table, count, restored.get(table)) for table, count in source.items() if restored.get(table) != count]
