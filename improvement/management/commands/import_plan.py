"""Import a plan from an XLSX, CSV or DOCX file: the same reading, mapping and preview as the
web page, printed. Nothing is written with --dry-run or when the file has problems to fix."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from improvement.importing import ReadError, new_plan, run
from improvement.importing.engine import FIELDS, done_message
from improvement.models import Organisation, Plan, RagScheme


class Command(BaseCommand):
    help = gettext_lazy("Import a plan from XLSX, CSV or DOCX and print the preview and any problems.")

    def add_arguments(self, parser):
        parser.add_argument("file")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--plan", type=int, help=gettext_lazy("Import into this plan (its id)."))
        target.add_argument("--new-plan", help=gettext_lazy("Create a plan with this name."))
        parser.add_argument("--organisation", default="",
                            help=gettext_lazy("Organisation of a new plan (default: Imported plans)."))
        parser.add_argument("--scheme", default="five-state",
                            help=gettext_lazy("RAG scheme of a new plan: five-state, three-state or achieved."))
        parser.add_argument("--mapping",
                            help=gettext_lazy('JSON of column heading to field, e.g. {"Activity": "description"}.'))
        parser.add_argument("--dry-run", action="store_true", help=gettext_lazy("Print the preview; write nothing."))

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("There is no file %(path)s.") % {"path": path})
        mapping = {}
        if options["mapping"]:
            try:
                mapping = json.loads(options["mapping"])
            except json.JSONDecodeError as error:
                raise CommandError(_("--mapping is not valid JSON: %(error)s") % {"error": error}) from None
            unknown = sorted(set(mapping.values()) - set(FIELDS))
            if unknown or not isinstance(mapping, dict):
                raise CommandError(_("--mapping names unknown fields %(unknown)s; use: %(fields)s")
                                   % {"unknown": unknown, "fields": ", ".join(FIELDS)})
        if options["plan"]:
            plan = Plan.objects.filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(_("There is no plan with id %(id)s.") % {"id": options["plan"]})
        else:
            scheme = RagScheme.objects.filter(slug=options["scheme"]).first()
            if scheme is None:
                raise CommandError(_("There is no RAG scheme %(scheme)r.") % {"scheme": options["scheme"]})
            organisation, _created = Organisation.objects.get_or_create(
                name=options["organisation"] or "Imported plans")
            plan = new_plan(options["new_plan"], organisation=organisation, scheme=scheme)
        try:
            mapping, result, counts = run(path.name, path.read_bytes(), plan, mapping, by=None,
                                          dry_run=options["dry_run"])
        except ReadError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(_("Columns:"))
        for heading, name in mapping.items():
            self.stdout.write(f"  {heading!r} -> {name} ({FIELDS.get(name, '?')})")
        preview = result.counts
        self.stdout.write(_("Actions: %(created)s new, %(updated)s changed, %(unchanged)s unchanged; %(updates)s "
                            "status updates to record") % preview)
        if result.new_themes:
            self.stdout.write(_("New themes: %(themes)s") % {"themes": "; ".join(result.new_themes)})
        if result.new_recommendations:
            self.stdout.write(_("New recommendations: %(count)s") % {"count": len(result.new_recommendations)})
        for problem in result.problems:
            self.stdout.write((_("Must fix: %(problem)s") if problem.blocking else _("Note: %(problem)s"))
                              % {"problem": problem})
        if result.blocking:
            raise CommandError(_("Nothing was imported: fix the problems marked “Must fix” and run again."))
        if counts is None:
            self.stdout.write(_("Dry run: nothing was written."))
        else:
            self.stdout.write(_("Imported into “%(name)s” (id %(id)s): %(done)s")
                              % {"name": plan.name, "id": plan.pk, "done": done_message(counts)})
