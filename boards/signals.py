"""Signals of the boards app, for other apps that act on what happens here (notifications sends
them on to a plan's webhook subscriptions). Each is sent inside the transaction that writes the
event; a receiver that acts outside the database does so on commit."""

from django.dispatch import Signal

# A board member posted a review note (a comment, question or challenge): ``note``.
review_note_posted = Signal()

# An action's lead answered on a review note's thread: ``note`` and ``response``.
review_note_answered = Signal()

# A plan manager opened an update round: ``round``.
round_opened = Signal()

# The daily ``send_reminders`` run found an open round within its reminder days before the
# deadline (UpdateRound.REMINDER_DAYS_BEFORE): ``round`` and ``as_of``. Sent on every such run; a
# receiver acts once per round.
round_closing_soon = Signal()
