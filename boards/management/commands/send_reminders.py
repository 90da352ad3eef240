"""Send due reminder and chaser emails for every open update round. Run daily by a scheduler;
running it twice sends nothing twice."""

from django.core.management.base import BaseCommand

from boards import signals
from boards.models import Reminder, UpdateRound
from boards.reminders import due_kind, send_round_reminders
from improvement.clock import today


class Command(BaseCommand):
    help = "Email leads a reminder before a round's deadline and a chaser after it, once each."

    def handle(self, *args, **options):
        as_of = today()
        failures = 0
        for round_ in UpdateRound.objects.open().select_related("plan").order_by("deadline"):
            if due_kind(round_, as_of) == Reminder.Kind.REMINDER:
                signals.round_closing_soon.send(sender=UpdateRound, round=round_, as_of=as_of)
            result = send_round_reminders(round_, as_of=as_of)
            failures += result.failed
            self.stdout.write(f"{round_}: {result.sent} sent, {result.failed} failed, "
                              f"{result.skipped} already sent")
            if result.no_one_to_remind:
                told = ", ".join(str(user) for user in result.managers_told) or "none now (told before, or failed)"
                self.stdout.write(f"  No one to remind (no one holds their lead posts): "
                                  f"{', '.join(a.number for a in result.no_one_to_remind)}; "
                                  f"plan managers told: {told}")
        if failures:
            self.stderr.write(f"{failures} email(s) failed; they will be retried on the next run.")
