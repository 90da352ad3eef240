from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from improvement.models import Plan, parse_period
from reports.exports import ExportError, rag_summary_file


class Command(BaseCommand):
    help = "Export a plan's RAG summary for a period as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, required=True, help="The plan's id.")
        parser.add_argument("--period", help="YYYY-MM; the plan's latest reporting period when left out.")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", required=True, help="Where to write the file.")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES],
                            default=settings.LANGUAGE_CODE, help="The language of the headings and our words.")

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            plan = Plan.objects.filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(_("There is no plan with id %(id)s.") % {"id": options["plan"]})
            try:
                period = parse_period(options["period"]) if options["period"] else None
                body, _type = rag_summary_file(plan, options["format"], period=period)
                output = Path(options["output"])
                if options["format"] == "csv":
                    output.write_text("".join(body), encoding="utf-8")
                else:
                    output.write_bytes(body)
            except (ValueError, ExportError) as error:
                raise CommandError(str(error)) from None
            self.stdout.write(_("Wrote %(file)s") % {"file": output})
