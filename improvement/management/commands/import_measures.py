"""Import measure values from a council's scorecard (XLSX or CSV): the same reading and checks as
the web page, printed. Nothing is written with --dry-run or when the file has problems to fix."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from improvement.importing import ReadError
from improvement.importing.readers import read_upload
from improvement.importing.scorecard import LONG, WIDE, apply, read_scorecard
from improvement.models import Plan


class Command(BaseCommand):
    help = gettext_lazy("Import measure values from a scorecard (XLSX or CSV) and print what is recorded and any "
                        "problems.")

    def add_arguments(self, parser):
        parser.add_argument("plan", help=gettext_lazy("The plan's id or slug."))
        parser.add_argument("file")
        parser.add_argument("--layout", choices=[WIDE, LONG],
                            help=gettext_lazy("wide: a column per month; long: columns measure, period, value. Found "
                                              "from the headings when not given."))
        parser.add_argument("--dry-run", action="store_true", help=gettext_lazy("Print the preview; write nothing."))

    def handle(self, *args, **options):
        reference = options["plan"]
        plan = Plan.objects.filter(**({"pk": int(reference)} if reference.isdigit() else {"slug": reference})).first()
        if plan is None:
            raise CommandError(_("There is no plan %(plan)r (give its id or slug).") % {"plan": reference})
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError(_("%(name)s is not an XLSX or CSV file.") % {"name": path.name})
        try:
            preview = read_scorecard(read_upload(path.name, path.read_bytes()), plan, options["layout"])
        except ReadError as error:
            raise CommandError(str(error)) from None
        for entry in preview.entries:
            change = _("supersedes %(value)s") % {"value": entry.previous_text} if entry.previous else _("new")
            self.stdout.write(f"  {entry.measure}, {entry.period_label}: {entry.value_text} ({change})")
        self.stdout.write(_("Values: %(new)s new, %(superseding)s superseding, %(unchanged)s unchanged")
                          % {"new": len(preview.new), "superseding": len(preview.superseding),
                             "unchanged": preview.unchanged})
        if preview.problems:
            for problem in preview.problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(ngettext("Nothing was imported: %(count)s problem to fix in the file.",
                                        "Nothing was imported: %(count)s problems to fix in the file.",
                                        len(preview.problems)) % {"count": len(preview.problems)})
        if options["dry_run"]:
            self.stdout.write(_("Dry run: nothing was recorded."))
            return
        try:
            apply(preview, by=None)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(_("Recorded %(count)s values.") % {"count": len(preview.entries)}))
