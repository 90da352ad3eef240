"""Rebuild the period view's stored rows from the RAG history (decision 0012).

Safe at any time: the rows are derived, each plan is rebuilt in its own transaction (its plan
row locked, so updates recorded meanwhile wait and then apply), and a second run writes the
same rows. Run it after restoring a backup without the derived tables, or to check that the
maintained rows are right (``--check`` reports plans whose rows differ, without writing)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from improvement.models import Plan, ReportedAction
from improvement.reporting import rebuild

ROW_FIELDS = ("action_id", "period", "status_id", "previous_status_id", "update_id", "first_update_at",
              "revised_due_date")


def stored_rows(plan) -> set[tuple]:
    return set(ReportedAction.objects.filter(plan=plan).values_list(*ROW_FIELDS))


class Command(BaseCommand):
    help = gettext_lazy("Rebuild the period view's stored rows of every plan (or of --plan) from the RAG history.")

    def add_arguments(self, parser):
        parser.add_argument("--plan", action="append", default=[],
                            help=gettext_lazy("A plan's id or slug (repeat for more); default: every plan."))
        parser.add_argument("--check", action="store_true",
                            help=gettext_lazy("Report plans whose stored rows differ from a rebuild; write nothing."))

    def handle(self, *args, **options):
        plans = Plan.objects.order_by("pk")
        if options["plan"]:
            wanted = options["plan"]
            ids = [int(value) for value in wanted if value.isdigit()]
            plans = plans.filter(pk__in=ids) | plans.filter(slug__in=wanted)
            found = {str(plan.pk) for plan in plans} | {plan.slug for plan in plans}
            missing = [value for value in wanted if value not in found]
            if missing:
                raise CommandError(_("No plan with id or slug %(plans)s.") % {"plans": ", ".join(missing)})
        differ = []
        for plan in plans:
            if options["check"]:
                before = stored_rows(plan)
                with transaction.atomic():
                    rebuild(plan)
                    after = stored_rows(plan)
                    transaction.set_rollback(True)
                if before != after:
                    differ.append(plan)
                    self.stdout.write(_("%(plan)s: %(count)s rows differ from a rebuild")
                                      % {"plan": plan.slug, "count": len(before ^ after)})
                continue
            written = rebuild(plan)
            self.stdout.write(_("%(plan)s: %(count)s rows") % {"plan": plan.slug, "count": f"{written:,}"})
        if options["check"]:
            if differ:
                raise CommandError(_("%(count)s plan(s) have rows that differ from their history; run without --check "
                                     "to rebuild them.") % {"count": len(differ)})
            self.stdout.write(_("Every plan's stored rows match its history."))
