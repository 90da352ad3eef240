"""`make restore-drill`: back up the database the app uses (the demo's by default), restore the
backup into a new database, and compare row counts per table. Exits non-zero on any difference."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    import django

    django.setup()
    from django.conf import settings

    from config import backups

    database = settings.DATABASES["default"]
    folder = ROOT / "var" / "backups"
    if database["ENGINE"].endswith("sqlite3"):
        source = Path(database["NAME"])
        backup = backups.sqlite_backup(source, folder / f"{source.stem}-drill.sqlite3")
        restored = backups.sqlite_backup(backup, folder / f"{source.stem}-restored.sqlite3")
        before, after = backups.sqlite_counts(source), backups.sqlite_counts(restored)
        where = f"backup {backup}, restored into {restored}"
    else:
        url = os.environ["DATABASE_URL"]
        dump, restored_url = backups.postgres_backup_and_restore(url, folder)
        try:
            before, after = backups.postgres_counts(url), backups.postgres_counts(restored_url)
        finally:
            backups.drop_postgres_database(restored_url)
        where = f"dump {dump}, restored into a new database (dropped afterwards)"
    differences = backups.compare(before, after)
    print(f"Restore drill: {where}")
    print(f"{'table':<45}{'rows':>10}{'restored':>10}")
    for table, count in before.items():
        print(f"{table:<45}{count:>10}{after.get(table, 0):>10}")
    if differences:
        print(f"FAILED: {len(differences)} table(s) differ: {differences}")
        return 1
    print(f"OK: {len(before)} tables, {sum(before.values()):,} rows, all equal.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
