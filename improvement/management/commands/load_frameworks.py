"""Load the inspection frameworks' data files (improvement/frameworks/) into the database.

Run at every deploy, after ``migrate`` (docs/deploying.md): the files change with the frameworks,
and loading them again is safe. A file with a problem loads nothing, and every problem is listed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from improvement.criteria import FRAMEWORKS_DIR, load_frameworks
from improvement.lib.framework_files import FileProblems


class Command(BaseCommand):
    help = "Load the framework files (improvement/frameworks/*.json and crosswalks/). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=FRAMEWORKS_DIR,
                            help="Where the framework files are (default: improvement/frameworks/).")

    def handle(self, *args, directory, **options):
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a folder of framework files.")
        try:
            report = load_frameworks(directory)
        except FileProblems as problems:
            raise CommandError("Nothing was loaded. Fix these and run again:\n  "
                               + "\n  ".join(problems.errors)) from None
        for label, names in (("Added", report.created), ("Updated", report.updated), ("Unchanged", report.unchanged)):
            if names:
                self.stdout.write(f"{label}: {', '.join(names)}")
        self.stdout.write(f"Crosswalks: {report.crosswalks}")
