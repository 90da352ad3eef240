"""Send due reminder and chaser emails for every open update round. Run daily by a scheduler;
running it twice sends nothing twice."""

from django.core.management.base import BaseCommand

from boards.models import UpdateRound
from boards.reminders import send_round_reminders
from improvement.clock import today


class Command(BaseCommand):
    help = "Email leads a reminder before a round's deadline and a chaser after it, once each."

    def handle(self, *args, **options):
        as_of = today()
        failures = 0
        for round_ in UpdateRound.objects.open().select_related("plan").order_by("deadline"):
            result = send_round_reminders(round_, as_of=as_of)
            failures += result.failed
            self.stdout.write(f"{round_}: {result.sent} sent, {result.failed} failed, "
                              f"{result.skipped} already sent")
        if failures:
            self.stderr.write(f"{failures} email(s) failed; they will be retried on the next run.")
