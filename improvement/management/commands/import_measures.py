"""Import measure values from a council's scorecard (XLSX or CSV): the same reading and checks as
the web page, printed. Nothing is written with --dry-run or when the file has problems to fix."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from improvement.importing import ReadError
from improvement.importing.readers import read_upload
from improvement.importing.scorecard import LONG, WIDE, apply, read_scorecard
from improvement.models import Plan


class Command(BaseCommand):
    help = "Import measure values from a scorecard (XLSX or CSV) and print what is recorded and any problems."

    def add_arguments(self, parser):
        parser.add_argument("plan", help="The plan's id or slug.")
        parser.add_argument("file")
        parser.add_argument("--layout", choices=[WIDE, LONG], help="wide: a column per month; long: columns "
                                                                  "measure, period, value. Found from the "
                                                                  "headings when not given.")
        parser.add_argument("--dry-run", action="store_true", help="Print the preview; write nothing.")

    def handle(self, *args, **options):
        reference = options["plan"]
        plan = Plan.objects.filter(**({"pk": int(reference)} if reference.isdigit() else {"slug": reference})).first()
        if plan is None:
            raise CommandError(f"There is no plan {reference!r} (give its id or slug).")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(f"{path.name} is not an XLSX or CSV file.")
        try:
            preview = read_scorecard(read_upload(path.name, path.read_bytes()), plan, options["layout"])
        except ReadError as error:
            raise CommandError(str(error)) from None
        for entry in preview.entries:
            change = f"supersedes {entry.previous_text}" if entry.previous else "new"
            self.stdout.write(f"  {entry.measure}, {entry.period_label}: {entry.value_text} ({change})")
        self.stdout.write(f"Values: {len(preview.new)} new, {len(preview.superseding)} superseding, "
                          f"{preview.unchanged} unchanged")
        if preview.problems:
            for problem in preview.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"Nothing was imported: {len(preview.problems)} problem(s) to fix in the file.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was recorded.")
            return
        try:
            apply(preview, by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Recorded {len(preview.entries)} values."))
