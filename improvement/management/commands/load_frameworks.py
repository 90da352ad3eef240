"""Load the inspection frameworks' data files (improvement/frameworks/) into the database.

Run at every deploy, after ``migrate`` (docs/deploying.md): the files change with the frameworks,
and loading them again is safe. A file with a problem loads nothing, and every problem is listed.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from improvement.criteria import FRAMEWORKS_DIR, load_frameworks
from improvement.lib.framework_files import FileProblems


class Command(BaseCommand):
    help = gettext_lazy("Load the framework files (improvement/frameworks/*.json and crosswalks/). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=FRAMEWORKS_DIR,
                            help=gettext_lazy("Where the framework files are (default: improvement/frameworks/)."))

    def handle(self, *args, directory, **options):
        if not directory.is_dir():
            raise CommandError(_("%(directory)s is not a folder of framework files.") % {"directory": directory})
        try:
            report = load_frameworks(directory)
        except FileProblems as problems:
            raise CommandError(_("Nothing was loaded. Fix these and run again:") + "\n  "
                               + "\n  ".join(problems.errors)) from None
        for label, names in ((_("Added: %(names)s"), report.created), (_("Updated: %(names)s"), report.updated),
                             (_("Unchanged: %(names)s"), report.unchanged)):
            if names:
                self.stdout.write(label % {"names": ", ".join(names)})
        self.stdout.write(_("Crosswalks: %(count)s") % {"count": report.crosswalks})
