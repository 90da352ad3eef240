"""The restore drill on whichever database the suite runs on: back up, restore into a new
database, and find the same rows in every table."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from config import backups


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_with_the_same_rows_in_every_table(tmp_path, settings):
    settings.DEBUG = True
    call_command("demo", stdout=io.StringIO())
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        from pathlib import Path

        source = Path(db["NAME"])
        backup = backups.sqlite_backup(source, tmp_path / "backup.sqlite3")
        restored = backups.sqlite_backup(backup, tmp_path / "restored.sqlite3")
        before, after = backups.sqlite_counts(source), backups.sqlite_counts(restored)
    else:
        url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        _dump, restored_url = backups.postgres_backup_and_restore(url, tmp_path)
        try:
            before, after = backups.postgres_counts(url), backups.postgres_counts(restored_url)
        finally:
            backups.drop_postgres_database(restored_url)
    assert before["improvement_action"] == 193
    assert before["improvement_update"] > 300
    assert backups.compare(before, after) == []


def test_compare_reports_each_table_that_differs():
    assert backups.compare({"a": 1, "b": 2}, {"a": 1, "b": 3}) == [("b", 2, 3)]
    assert backups.compare({"a": 1}, {}) == [("a", 1, None)]
