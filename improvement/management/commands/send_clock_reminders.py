"""Email plan managers ahead of each date on their plans' statutory clocks. Run daily by a
scheduler, beside send_reminders; running it twice sends nothing twice."""

from django.core.management.base import BaseCommand
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from improvement.clock import today
from improvement.clock_reminders import send_plan_clock_reminders
from improvement.models import Plan


class Command(BaseCommand):
    help = gettext_lazy("Email each plan manager ahead of each statutory deadline of the plan "
                        "(CLOCK_REMINDER_WORKING_DAYS working days ahead), once each.")

    def handle(self, *args, **options):
        as_of = today()
        failures = 0
        for plan in Plan.objects.exclude(regime="").filter(clock_trigger__isnull=False).order_by("name"):
            result = send_plan_clock_reminders(plan, as_of=as_of)
            failures += result.failed
            if result.sent or result.failed or result.skipped:
                dates = "; ".join(f"{deadline.title} ({date_format(deadline.date, 'j F Y')})"
                                  for deadline in result.dates)
                self.stdout.write(_("%(plan)s: %(sent)s sent, %(failed)s failed, %(skipped)s already sent")
                                  % {"plan": plan, "sent": result.sent, "failed": result.failed,
                                     "skipped": result.skipped} + (f" – {dates}" if dates else ""))
        if failures:
            self.stderr.write(_("%(count)s email(s) failed; they will be retried on the next run.")
                              % {"count": failures})
